// Bun settings that only the environment at process start can set, and how `serve` gets them.

/**
 * What `serve` runs with, unless the operator set the variable already:
 * - `BUN_CONFIG_MAX_HTTP_REQUESTS`: Bun runs at most 256 `fetch` requests at once and queues the
 *   rest, so with 256 long streams open every further request would wait for one of them to end,
 *   however idle the upstream. 65,535 is Bun's ceiling; the open-file limit is the real bound.
 * - `BUN_JSC_forceRAMSize`: JavaScriptCore paces its collections by the machine's RAM, so on a big
 *   host the heap of a busy gateway swells far past what it holds live (peak RSS ~105 MB in the
 *   bench against ~85 MB with 512 MB assumed, for no measurable CPU). A heuristic, not a limit:
 *   the heap still grows past it when the live data needs it.
 */
export const SERVE_ENV: Readonly<Record<string, string>> = {
  BUN_CONFIG_MAX_HTTP_REQUESTS: '65535',
  BUN_JSC_forceRAMSize: String(512 * 1024 * 1024),
}

/** The variables of `SERVE_ENV` that `env` lacks. */
export function missingServeEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(SERVE_ENV).filter(([name]) => env[name] === undefined))
}

/**
 * Bun reads these once, at start; setting them later has no effect. So when one is missing,
 * `serve` replaces its own process image with itself plus the variables (`execve`: same pid, same
 * stdio, same arguments) before anything else runs. Returns only when no replacement happened.
 */
export function applyServeEnv(env: Record<string, string | undefined> = process.env): void {
  const missing = missingServeEnv(env)
  if (Object.keys(missing).length === 0) return
  try {
    process.execve!(process.execPath, sameCommand(), { ...env, ...missing })
  } catch (error) {
    const wanted = Object.entries(missing)
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')
    console.warn(`token-hub: could not restart with ${wanted} (${(error as Error).message}); set them in the environment`)
  }
}

/** The argument vector that starts this same command again. */
export function sameCommand(argv = process.argv, execArgv = process.execArgv, execPath = process.execPath): string[] {
  // A compiled executable sees its embedded entry point as argv[1] ('/$bunfs/root/…', 'B:/~BUN/…'),
  // which the OS never passed to it.
  const compiled = /^(\/\$bunfs\/|[A-Z]:[\\/]~BUN[\\/])/.test(argv[1] ?? '')
  return compiled ? [execPath, ...argv.slice(2)] : [execPath, ...execArgv, ...argv.slice(1)]
}
