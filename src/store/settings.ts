// Instance settings: small named values such as the generated admin token's hash.
import type { Database } from 'bun:sqlite'

export interface SettingsStore {
  get(key: string): Promise<string | null>
  set(key: string, value: string): Promise<void>
  delete(key: string): Promise<void>
}

export function sqliteSettingsStore(db: Database): SettingsStore {
  const get = db.query<{ value: string }, [string]>('SELECT value FROM settings WHERE key = ?')
  const remove = db.query('DELETE FROM settings WHERE key = ?')
  const set = db.query('INSERT INTO settings (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
  return {
    async get(key) {
      return get.get(key)?.value ?? null
    },
    async set(key, value) {
      set.run({ key, value })
    },
    async delete(key) {
      remove.run(key)
    },
  }
}
