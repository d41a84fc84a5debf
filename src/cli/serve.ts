// `token-hub serve`: load config, open the database, listen, and stop gracefully on a signal.
import { seedDemo } from '../accounts/bootstrap'
import { createApp } from '../app'
import { loadConfig } from '../config/load'
import { systemClock } from '../clock'
import { randomBase62 } from '../ids'
import { startServingLease } from '../jobs/serving-lease'
import { describeStorage, openConfiguredStore, postgresUrlOf } from '../store/open'

/** How long in-flight requests (streams included) may take to finish after a stop signal. */
export const DRAIN_MS = 30_000

export async function runServe(configPath: string | undefined): Promise<number> {
  const loaded = await loadConfig(configPath)
  if (!loaded.ok) {
    console.error(`token-hub: invalid config (${loaded.source}):`)
    for (const problem of loaded.problems) console.error(`  ${problem}`)
    return 1
  }
  const { config } = loaded
  const shared = postgresUrlOf(config, process.env) !== null
  const store = await openConfiguredStore(config, process.env)
  const localAdminToken = `th_local_${randomBase62(40)}`
  const hub = await createApp({ config, store, localAdminToken, readConfig: () => loadConfig(configPath) })
  const demo = await seedDemo(store, config, hub.admin)
  // Bun closes connections silent for longer than idleTimeout; upstreams may think for minutes.
  hub.app.listen({ hostname: config.server.host, port: config.server.port, idleTimeout: 255 })
  const server = hub.app.server!
  const base = `http://${server.hostname}:${server.port}`
  // Other processes (the CLI) learn from this lease that money moves through this server now.
  const loopback = server.hostname === '0.0.0.0' || server.hostname === '::' ? '127.0.0.1' : server.hostname
  // On Postgres, N instances serve at once and none is "the" server of the data: no serving lease.
  const lease = shared
    ? null
    : startServingLease(store, { url: `http://${loopback}:${server.port}`, pid: process.pid, token: localAdminToken }, systemClock)
  await lease?.ready
  console.log(`token-hub listening on ${base} (config: ${loaded.source}, database: ${describeStorage(config, process.env)})`)
  if (hub.adminToken.generated) {
    console.log(`\nAdmin token (shown once; set ${config.admin.token_env} to choose your own):\n  ${hub.adminToken.generated}`)
  }
  const setupToken = await hub.portal.users.issueSetupToken()
  if (setupToken) {
    const dashboard = config.server.public_url.replace(/\/+$/, '')
    console.log(
      `\nNo dashboard users yet. Create the first admin (link works once):\n  ${dashboard}/setup?token=${setupToken}\n  or: token-hub admin create-user --email you@example.com --admin`,
    )
  }
  if (demo) {
    console.log(`\nDemo key (account ${demo.accountId}, $${config.demo.credit_usd} credit; shown once):\n  ${demo.key}`)
    console.log(
      `\nTry it:\n  curl ${base}/v1/chat/completions \\\n    -H "Authorization: Bearer ${demo.key}" \\\n    -H "Content-Type: application/json" \\\n    -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello!"}]}'\n`,
    )
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: no new connections; letting in-flight requests finish (up to ${DRAIN_MS / 1000} s)`)
    await Promise.race([server.stop(false), Bun.sleep(DRAIN_MS).then(() => server.stop(true))])
    await lease?.stop().catch(() => {})
    await hub.close()
    await store.close()
    process.exit(0)
  }
  // SIGHUP re-reads the config: a valid one is swapped in for new requests, an invalid one refused.
  process.on('SIGHUP', () => {
    void hub.reloadConfig().then((outcome) => {
      if (!outcome.ok) {
        console.error(`SIGHUP: config refused, the old one is kept (${loaded.source}):`)
        for (const problem of outcome.problems) console.error(`  ${problem}`)
        return
      }
      const later = outcome.restartNeeded.length ? `; changes to ${outcome.restartNeeded.join(', ')} take effect on restart` : ''
      console.log(`SIGHUP: config reloaded (${outcome.models} models, ${outcome.providers} providers)${later}`)
    })
  })
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  return -1
}
