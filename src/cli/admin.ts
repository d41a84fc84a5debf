// `token-hub admin …`: the admin API's operations from the shell, against the local database.
import { parseArgs } from 'node:util'
import { createAdminService } from '../accounts/service'
import { loadConfig } from '../config/load'
import { Catalog } from '../catalog/catalog'
import { systemClock } from '../clock'
import { GatewayError } from '../errors'
import { createProviderRegistry } from '../providers/registry'
import { readServingLease, type ServingLease } from '../jobs/serving-lease'
import { openStore } from '../store'
import { portalCommand, PORTAL_COMMANDS } from './admin-portal'

const HELP = `token-hub admin <command> [options] [--config FILE]

  create-account --email E [--plan P] [--name N]
  show-account ID
  delete-account ID
  disable-models ACCOUNT_ID --models a,b          (replaces the list; --models '' enables all again)
  add-credits ID --amount USD [--note TEXT]       (negative: adjustment)
  create-key ACCOUNT_ID [--name N] [--models a,b] [--ips cidr,cidr] [--rpm N]
                        [--budget USD] [--budget-window-days N] [--expires-in-days N | --no-expiry]
  list-keys ACCOUNT_ID
  revoke-key KEY_ID
  show-request REQUEST_ID
  requests [--account ID] [--key ID] [--status 429|4xx] [--since TIME] [--limit N] [--cursor C]
  ledger ACCOUNT_ID [--limit N]
  create-user --email E [--password P] [--admin] [--account ID [--role owner|member]]
                        (no --password: one is generated and printed; no --account: a new account it owns)
  invite --email E [--account ID] [--role owner|member] [--admin]   (prints the invite link)
  list-topups ACCOUNT_ID
  refund-topup TOPUP_ID                           (unused credit, within 7 days, through Stripe)
  expire-credits                                  (writes off top-up credit older than 12 months now)

Prints JSON. Works while the server runs: revocations take effect on its next request, and commands
that move money (add-credits, refund-topup, expire-credits) go through the running server's admin
API (found by its serving lease), so money its requests in flight hold is never debited.
`

/**
 * Commands that move money. Holds of requests in flight live in the serving process's memory, so
 * while a server serves the database these go through its admin API, where the holds are counted
 * (contract §1: a CLI command never refunds or debits money that requests in flight hold).
 */
const MONEY_COMMANDS = new Set(['add-credits', 'refund-topup', 'expire-credits'])

/** The admin API call a money command becomes while a server is serving. */
function serverCall(command: string, id: string | undefined, values: { amount?: string; note?: string }) {
  const need = (value: string | undefined, what: string) => {
    if (!value) throw new GatewayError('invalid_body', `${command} needs ${what}`)
    return value
  }
  switch (command) {
    case 'add-credits':
      return {
        path: `/admin/accounts/${encodeURIComponent(need(id, 'an account id'))}/credits`,
        body: { amount_usd: need(values.amount, '--amount'), ...(values.note === undefined ? {} : { note: values.note }) },
      }
    case 'refund-topup':
      return { path: `/admin/topups/${encodeURIComponent(need(id, 'a top-up id'))}/refund`, body: {} }
    default:
      return { path: '/admin/credits/expire', body: {} }
  }
}

async function throughServer(lease: ServingLease, call: { path: string; body: unknown }): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(lease.url + call.path, {
      method: 'POST',
      headers: { authorization: `Bearer ${lease.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(call.body),
      signal: AbortSignal.timeout(30_000),
    })
  } catch (error) {
    throw new Error(
      `a server (pid ${lease.pid}) is serving this database, but its admin API at ${lease.url} did not answer (${(error as Error).message}); ` +
        'nothing was changed. Money moves through the running server so that the holds of its requests count; retry when it answers, or stop it.',
    )
  }
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null
  if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`)
  return body
}

/** parseArgs reads `--amount -5` as a missing value and an option; as `--amount=-5` it takes it. */
const negativeAmountsJoined = (args: string[]): string[] => {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1]
    if (args[i] === '--amount' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--amount=${next}`)
      i++
    } else out.push(args[i]!)
  }
  return out
}

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)

export async function runAdmin(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: negativeAmountsJoined(args),
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      email: { type: 'string' },
      plan: { type: 'string' },
      name: { type: 'string' },
      amount: { type: 'string' },
      note: { type: 'string' },
      models: { type: 'string' },
      ips: { type: 'string' },
      rpm: { type: 'string' },
      budget: { type: 'string' },
      'budget-window-days': { type: 'string' },
      'expires-in-days': { type: 'string' },
      'no-expiry': { type: 'boolean' },
      limit: { type: 'string' },
      account: { type: 'string' },
      key: { type: 'string' },
      status: { type: 'string' },
      since: { type: 'string' },
      cursor: { type: 'string' },
      password: { type: 'string' },
      admin: { type: 'boolean' },
      role: { type: 'string' },
    },
  })
  const [command, id] = positionals
  if (!command || command === 'help') {
    process.stdout.write(HELP)
    return command ? 0 : 1
  }
  const loaded = await loadConfig(values.config)
  if (!loaded.ok) {
    for (const problem of loaded.problems) console.error(problem)
    return 1
  }
  const { config } = loaded
  if (config.storage.postgres_url || config.storage.postgres_url_env) {
    // Not a silent fallback to a local SQLite file the instances never read.
    console.error('token-hub admin works on SQLite only; on Postgres use the admin API (/admin/*) of any instance.')
    return 1
  }
  // A one-shot command may wait for the server's brief write locks.
  const store = openStore(config.storage.sqlite_path, { lockWaitMs: 5_000 })
  const catalog = new Catalog(config, createProviderRegistry(config))
  const admin = createAdminService({ store, config, catalog, clock: systemClock })
  const need = (value: string | undefined, what: string) => {
    if (!value) throw new GatewayError('invalid_body', `${command} needs ${what}`)
    return value
  }
  try {
    let result: unknown
    const lease = MONEY_COMMANDS.has(command) ? await readServingLease(store, Date.now()) : null
    if (lease) result = await throughServer(lease, serverCall(command, id, values))
    else
      switch (command) {
        case 'create-account':
          result = await admin.createAccount({ email: need(values.email, '--email'), plan: values.plan, name: values.name })
          break
        case 'show-account':
          result = await admin.getAccount(need(id, 'an account id'))
          break
        case 'delete-account':
          await admin.deleteAccount(need(id, 'an account id'))
          result = { id, deleted: true }
          break
        case 'disable-models':
          if (values.models === undefined) throw new GatewayError('invalid_body', 'disable-models needs --models (empty to clear)')
          result = await admin.patchAccount(need(id, 'an account id'), { disabled_models: list(values.models) ?? [] })
          break
        case 'add-credits':
          result = await admin.addCredits(need(id, 'an account id'), { amount_usd: need(values.amount, '--amount'), note: values.note })
          break
        case 'create-key':
          result = await admin.mintKey(need(id, 'an account id'), {
            name: values.name,
            models: list(values.models),
            ip_allowlist: list(values.ips),
            rpm: values.rpm ? Number(values.rpm) : undefined,
            budget_usd: values.budget,
            budget_window_days: values['budget-window-days'] ? Number(values['budget-window-days']) : undefined,
            expires_in_days: values['no-expiry'] ? null : values['expires-in-days'] ? Number(values['expires-in-days']) : undefined,
          })
          break
        case 'list-keys':
          result = await admin.listKeys(need(id, 'an account id'))
          break
        case 'revoke-key':
          result = await admin.revokeKey(need(id, 'a key id'))
          break
        case 'show-request':
          result = await admin.getRequest(need(id, 'a request id'))
          break
        case 'requests':
          result = await admin.listRequests({
            account: values.account,
            key: values.key,
            status: values.status,
            since: values.since,
            limit: values.limit,
            cursor: values.cursor,
          })
          break
        case 'ledger':
          result = await admin.ledger(need(id, 'an account id'), { limit: values.limit ? Number(values.limit) : undefined })
          break
        default:
          if (PORTAL_COMMANDS.has(command)) {
            result = await portalCommand(command, id, values, { store, config, admin, catalog })
            break
          }
          process.stderr.write(`unknown admin command '${command}'\n\n${HELP}`)
          return 1
      }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    return 0
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`)
    return 1
  } finally {
    store.close()
  }
}
