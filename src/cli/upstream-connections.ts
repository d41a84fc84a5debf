// Lifts Bun's cap of 256 concurrent fetches, which would queue a gateway's 257th upstream call.

/** The variable Bun reads once, when its HTTP client starts, for its cap on concurrent fetches. */
const VARIABLE = 'BUN_CONFIG_MAX_HTTP_REQUESTS'
/** Bun's ceiling for it; the process's open-file limit is the real bound. */
const UNCAPPED = '65535'

/**
 * Bun runs at most 256 `fetch` requests at once and queues the rest, so a gateway with 256 long
 * streams open would make every further request wait for one of them to end, however idle the
 * upstream. The cap can only be set from the environment before the process starts; setting it
 * later has no effect. So when the operator has not set it, `serve` replaces its own process
 * image with itself plus the variable (`execve`: same pid, same stdio, same arguments) before
 * anything else runs. Returns only when no replacement happened.
 */
export function liftFetchCap(env: Record<string, string | undefined> = process.env): void {
  if (env[VARIABLE] !== undefined) return
  try {
    process.execve!(process.execPath, sameCommand(), { ...env, [VARIABLE]: UNCAPPED })
  } catch (error) {
    console.warn(`token-hub: could not lift the cap of 256 concurrent upstream calls (${(error as Error).message}); set ${VARIABLE}=${UNCAPPED} to lift it`)
  }
}

/** The argument vector that starts this same command again. */
export function sameCommand(argv = process.argv, execArgv = process.execArgv, execPath = process.execPath): string[] {
  // A compiled executable sees its embedded entry point as argv[1] ('/$bunfs/root/…', 'B:/~BUN/…'),
  // which the OS never passed to it.
  const compiled = /^(\/\$bunfs\/|[A-Z]:[\\/]~BUN[\\/])/.test(argv[1] ?? '')
  return compiled ? [execPath, ...argv.slice(2)] : [execPath, ...execArgv, ...argv.slice(1)]
}
