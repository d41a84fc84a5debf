// Reading the Cookie header and writing the session's Set-Cookie (HttpOnly, SameSite=Lax, Secure on https).

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

export interface CookieOptions {
  secure: boolean
  /** Seconds; 0 deletes the cookie. */
  maxAge: number
}

export function sessionCookie(name: string, value: string, { secure, maxAge }: CookieOptions): string {
  return [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`, ...(secure ? ['Secure'] : [])].join('; ')
}
