// First start: the admin token (from the environment, or generated and printed once) and the demo seed.
import { timingSafeEqual } from 'node:crypto'
import { environmentProblems } from '../config/load'
import type { Config } from '../config/schema'
import { hashKey } from '../access/keys'
import { randomBase62 } from '../ids'
import type { Store } from '../store'
import type { AdminService } from './service'

const ADMIN_HASH_SETTING = 'admin_token_sha256'

export interface AdminToken {
  /** Constant-time check of a presented token. */
  verify(token: string): boolean
  /** Set only when this start generated the token: print it, it is not stored anywhere readable. */
  generated: string | null
}

/**
 * The admin token is the environment variable named by `admin.token_env` (at least 32 characters),
 * or `admin.token`; without either, one is generated on first start, printed once, and only its hash is kept.
 */
export async function resolveAdminToken(store: Store, config: Config, env: Record<string, string | undefined>): Promise<AdminToken> {
  // `serve` has refused such a start already (loadConfig); this stops any other caller of createApp.
  const [problem] = environmentProblems(config, env)
  if (problem) throw new Error(problem)
  const configured = env[config.admin.token_env] || config.admin.token
  let generated: string | null = null
  let expected: string
  if (configured) {
    expected = hashKey(configured)
  } else {
    const stored = await store.settings.get(ADMIN_HASH_SETTING)
    if (stored) expected = stored
    else {
      generated = `th_admin_${randomBase62(40)}`
      expected = hashKey(generated)
      await store.settings.set(ADMIN_HASH_SETTING, expected)
    }
  }
  const expectedBytes = Buffer.from(expected, 'hex')
  return {
    generated,
    verify(token) {
      return timingSafeEqual(Buffer.from(hashKey(token), 'hex'), expectedBytes)
    },
  }
}

export const DEMO_EMAIL = 'demo@token-hub.local'

/** With `demo.seed`, on a database with no demo account yet: an account with credit and a key. */
export async function seedDemo(store: Store, config: Config, admin: AdminService): Promise<{ key: string; accountId: string } | null> {
  if (!config.demo.seed || (await store.settings.get('demo_seeded'))) return null
  const account = await admin.createAccount({ email: DEMO_EMAIL, name: 'Demo' })
  await admin.addCredits(account.id, { amount_usd: config.demo.credit_usd, note: 'demo credit' })
  const key = await admin.mintKey(account.id, { name: 'demo', expires_in_days: null })
  await store.settings.set('demo_seeded', account.id)
  return { key: key.key, accountId: account.id }
}
