// This instance's lease: a row renewed while the process lives; its holds outlive it only until the lease lapses.
import type { SQL } from 'bun'

export interface InstanceLease {
  readonly instanceId: string
  /** Renews now (the timer does it every third of the lease). */
  renew(): Promise<void>
  /** Ends the lease at once (a stop): a successor or another instance may sweep its holds. */
  end(): Promise<void>
  stopRenewing(): void
}

/**
 * Registers the instance with a lease of `leaseMs` and renews it every `leaseMs / 3`, so two
 * renewals can fail before it lapses. Holds are swept by any instance only once the owner's lease
 * lapsed, never while it renews; a killed process stops renewing and its holds go within `leaseMs`
 * plus one sweep interval.
 */
export async function startInstanceLease(
  sql: SQL,
  options: { instanceId: string; leaseMs: number; now: () => number; name?: string | null },
): Promise<InstanceLease> {
  const { instanceId, leaseMs, now } = options
  const name = options.name ?? null
  await sql.begin(async (tx) => {
    // One name runs once: an instance restarted under its name (a compose service, a systemd unit)
    // ends its predecessor's lease now, so the start's sweep releases that one's holds at once
    // instead of a lease later.
    if (name !== null) await tx`DELETE FROM instances WHERE name = ${name} AND id <> ${instanceId}`
    await tx`INSERT INTO instances (id, name, started_at, lease_until) VALUES (${instanceId}, ${name}, ${now()}, ${now() + leaseMs})
             ON CONFLICT (id) DO UPDATE SET lease_until = excluded.lease_until`
  })
  const renew = async () => {
    await sql`UPDATE instances SET lease_until = ${now() + leaseMs} WHERE id = ${instanceId}`
  }
  const timer = setInterval(
    () => {
      renew().catch((error) => console.error('instance lease renewal failed:', (error as Error).message))
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  )
  timer.unref?.()
  return {
    instanceId,
    renew,
    async end() {
      clearInterval(timer)
      await sql`DELETE FROM instances WHERE id = ${instanceId}`
    },
    stopRenewing: () => clearInterval(timer),
  }
}

/** Forgets instances whose lease lapsed long ago and that own no hold (housekeeping for the sweeper). */
export async function forgetLapsedInstances(sql: SQL, before: number): Promise<void> {
  await sql`DELETE FROM instances i WHERE i.lease_until < ${before} AND NOT EXISTS (SELECT 1 FROM holds h WHERE h.instance_id = i.id)`
}
