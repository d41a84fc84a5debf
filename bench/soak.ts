// Soak mode: minutes at 80 % of peak throughput; RSS growth, p99 drift and database size per minute.
import { Database } from 'bun:sqlite'
import { chatBody, CHAT_PATH, type Kind } from './bodies'
import { runLoad, type LoadResult } from './load'
import { cpuMicros, memoryMb } from './procs'
import type { BenchWorld } from './setup'

export interface SoakSlice {
  minute: number
  requests: number
  rps: number
  p99Ms: Record<Kind, number>
  non2xx: number
  errors: number
  rssMb: number
  dbMb: number
  walMb: number
  cpuUsPerRequest: number
}

export interface SoakResult {
  peakRps: Record<Kind, number>
  slices: SoakSlice[]
  /** Bytes on disk per table (its indexes included) and its rows, at the end. */
  tables: Array<{ table: string; bytes: number; rows: number }>
}

/** What the database holds, by table: a read-only look at SQLite's page statistics. */
export function tableSizes(dbPath: string): SoakResult['tables'] {
  const db = new Database(dbPath, { readonly: true })
  try {
    const owners = new Map(
      db
        .query<{ name: string; tbl_name: string }, []>("SELECT name, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index')")
        .all()
        .map((r) => [r.name, r.tbl_name]),
    )
    const bytes = new Map<string, number>()
    for (const { name, size } of db
      .query<{ name: string; size: number }, []>('SELECT name, SUM(pgsize) AS size FROM dbstat GROUP BY name')
      .all()) {
      const table = owners.get(name) ?? name
      bytes.set(table, (bytes.get(table) ?? 0) + size)
    }
    return [...bytes]
      .map(([table, size]) => ({
        table,
        bytes: size,
        rows:
          /^[a-z_]+$/.test(table) && table !== 'sqlite_schema'
            ? db.query<{ n: number }, []>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n
            : 0,
      }))
      .sort((a, b) => b.bytes - a.bytes)
  } finally {
    db.close()
  }
}

const KINDS: Kind[] = ['non-streaming', 'streaming']

/**
 * Measures each kind's peak with autocannon (wrk cannot pace), then runs `minutes` one-minute
 * slices with both kinds at once, each at 40 % of its own peak: 80 % of the gateway's capacity.
 */
export async function runSoak(
  world: BenchWorld,
  options: { minutes: number; sliceS: number; connections: number },
  progress: (line: string) => void,
): Promise<SoakResult> {
  const pid = world.gateway.proc.pid
  const load = (kind: Kind, durationS: number, rate?: number) =>
    runLoad('autocannon', {
      url: world.gateway.url + CHAT_PATH,
      body: chatBody(kind),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.key}` },
      connections: rate === undefined ? options.connections : options.connections / 2,
      durationS,
      rate,
    })
  const peakRps = {} as Record<Kind, number>
  for (const kind of KINDS) {
    await load(kind, 3)
    peakRps[kind] = (await load(kind, 10)).rps
    progress(`  peak ${kind}: ${peakRps[kind].toFixed(0)} req/s (autocannon, ${options.connections} connections)`)
  }
  const slices: SoakSlice[] = []
  for (let minute = 1; minute <= options.minutes; minute++) {
    const cpuBefore = cpuMicros(pid)
    const runs = await Promise.all(KINDS.map((kind) => load(kind, options.sliceS, peakRps[kind] * 0.4)))
    const [ns, st] = runs as [LoadResult, LoadResult]
    const requests = ns.requests + st.requests
    const slice: SoakSlice = {
      minute,
      requests,
      rps: ns.rps + st.rps,
      p99Ms: { 'non-streaming': ns.p99Ms, streaming: st.p99Ms },
      non2xx: ns.non2xx + st.non2xx,
      errors: ns.errors + st.errors,
      rssMb: memoryMb(pid, 'VmRSS'),
      dbMb: world.dbSizeMb().db,
      walMb: world.dbSizeMb().wal,
      cpuUsPerRequest: (cpuMicros(pid) - cpuBefore) / Math.max(1, requests),
    }
    slices.push(slice)
    progress(
      `  minute ${minute}: ${slice.rps.toFixed(0)} req/s, p99 ${ns.p99Ms.toFixed(1)} / ${st.p99Ms.toFixed(1)} ms, RSS ${slice.rssMb.toFixed(1)} MB, ` +
        `database ${slice.dbMb.toFixed(1)} MB + WAL ${slice.walMb.toFixed(1)} MB, ${slice.cpuUsPerRequest.toFixed(0)} µs CPU/req, non-2xx ${slice.non2xx}, errors ${slice.errors}`,
    )
  }
  return { peakRps, slices, tables: tableSizes(world.dbPath) }
}
