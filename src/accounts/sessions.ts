// Dashboard sessions: issued at sign-in (always a fresh id), resolved from the cookie, ended server-side.
import type { Config } from '../config/schema'
import type { Clock } from '../clock'
import { randomBase62 } from '../ids'
import { hashKey } from '../access/keys'
import type { Store } from '../store'
import type { User } from '../store/users'
import { readCookie, sessionCookie } from '../http/cookies'

const HOUR_MS = 3_600_000
/** last_seen_at is written at most this often per session (not on every page view). */
const TOUCH_EVERY_MS = 60_000

export interface ActiveSession {
  idHash: string
  user: User
  csrfToken: string
  expiresAt: number
}

export type SessionService = ReturnType<typeof createSessionService>

export function createSessionService({ store, config, clock }: { store: Store; config: Config; clock: Clock }) {
  const secure = config.server.public_url.startsWith('https:')
  // The __Host- prefix makes browsers refuse the cookie unless Secure, Path=/ and host-only.
  const name = secure ? '__Host-th_session' : 'th_session'
  const ttlMs = config.auth.session_ttl_hours * HOUR_MS
  const idleMs = config.auth.session_idle_hours * HOUR_MS

  const clear = () => sessionCookie(name, '', { secure, maxAge: 0 })

  return {
    cookieName: name,
    secure,
    publicOrigin: new URL(config.server.public_url).origin,

    /**
     * Starts a session for `user` and returns its Set-Cookie. Any session the browser still
     * presented is ended first, so an id planted before sign-in never becomes a signed-in one.
     */
    async start(user: User, request: Request): Promise<{ setCookie: string; session: ActiveSession }> {
      const previous = readCookie(request.headers.get('cookie'), name)
      if (previous) await store.sessions.remove(hashKey(previous))
      const id = randomBase62(43)
      const now = clock.now()
      const session = {
        idHash: hashKey(id),
        userId: user.id,
        csrfToken: randomBase62(32),
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + ttlMs,
      }
      await store.sessions.insert(session)
      return {
        setCookie: sessionCookie(name, id, { secure, maxAge: Math.floor(ttlMs / 1000) }),
        session: { idHash: session.idHash, user, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
      }
    },

    /** The live session the request's cookie names, or null (none, unknown, expired, idle too long). */
    async resolve(request: Request): Promise<ActiveSession | null> {
      const id = readCookie(request.headers.get('cookie'), name)
      if (!id || id.length > 100) return null
      const idHash = hashKey(id)
      const found = await store.sessions.get(idHash)
      if (!found) return null
      const now = clock.now()
      if (found.expiresAt <= now || found.lastSeenAt <= now - idleMs) {
        await store.sessions.remove(idHash)
        return null
      }
      if (now - found.lastSeenAt > TOUCH_EVERY_MS) await store.sessions.touch(idHash, now)
      return { idHash, user: found.user, csrfToken: found.csrfToken, expiresAt: found.expiresAt }
    },

    /** Ends the session server-side; the returned Set-Cookie clears it in the browser. */
    async end(session: ActiveSession | null): Promise<string> {
      if (session) await store.sessions.remove(session.idHash)
      return clear()
    },

    clearCookie: clear,

    async purge(): Promise<number> {
      const now = clock.now()
      return store.sessions.purge(now, now - idleMs)
    },
  }
}
