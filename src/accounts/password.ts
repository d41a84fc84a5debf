// Password hashing with Bun.password (argon2id), and the rules a new password must meet.

/** argon2id with Bun's defaults (64 MiB, t=2): about 0.1 s per hash on one core. */
export const hashPassword = (password: string) => Bun.password.hash(password, { algorithm: 'argon2id' })

export const verifyPassword = (password: string, hash: string) => Bun.password.verify(password, hash)

/**
 * Verifying against this when the email is unknown makes a miss cost as much as a wrong password,
 * so response times do not tell which emails have users.
 */
let decoy: Promise<string> | null = null
export async function verifyDecoy(password: string): Promise<void> {
  decoy ??= hashPassword(crypto.randomUUID())
  await verifyPassword(password, await decoy)
}

/** Null when acceptable, else why not. */
export function passwordProblem(password: string, minLength: number): string | null {
  if (password.length < minLength) return `Passwords need at least ${minLength} characters.`
  if (password.length > 256) return 'Passwords may have at most 256 characters.'
  if (password.trim().length === 0) return 'A password cannot be only spaces.'
  return null
}
