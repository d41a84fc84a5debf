// On a timer: compares balances and key budgets with their alert thresholds and POSTs each new crossing to the webhook.
import { activeAlerts, alertPayload, type ActiveAlert, type AlertDefaults } from '../alerts/evaluate'
import type { Clock } from '../clock'
import type { Config } from '../config/schema'
import { keySpendOf, type KeySpend } from '../money/key-budget'
import type { Store } from '../store'

const MAX_BACKOFF_MS = 5 * 60_000

export interface BudgetAlerts {
  /** Checks every threshold now; returns the alerts that crossed since the last check (each sent once). */
  runOnce(): Promise<ActiveAlert[]>
  /** The alerts on for one account now (the dashboard banner), whether or not they were sent. */
  activeFor(accountId: string): Promise<ActiveAlert[]>
  /** Deliveries queued or waiting for a retry (tests, shutdown). */
  pendingDeliveries(): number
  start(): void
  stop(): void
}

export const alertDefaults = (config: Config): AlertDefaults => ({
  balanceBelowMicros: Math.round(config.alerts.balance_below_usd * 1e6),
  keyBudgetPercent: config.alerts.key_budget_percent,
})

/**
 * The check runs off the request path, on its own timer, and deliveries are fire-and-forget
 * with their own timeout: a slow or failing receiver never holds up a call. A crossing is
 * recorded in the store before it is sent, so it is sent once even across restarts (a crash
 * between the two loses that one webhook; the banner still shows it).
 */
export function createBudgetAlerts({ store, config, clock }: { store: Store; config: Config; clock: Clock }): BudgetAlerts {
  const options = config.alerts
  let pending = 0
  let timer: ReturnType<typeof setInterval> | null = null
  let running: Promise<ActiveAlert[]> | null = null
  const retries = new Set<ReturnType<typeof setTimeout>>()

  const evaluate = async (accountId?: string) => {
    const now = clock.now()
    const candidates = await store.alerts.candidates(now, accountId)
    const spends = new Map<string, KeySpend | null>()
    for (const k of candidates.keys) {
      const record = await store.keySpend.read(k.keyId)
      spends.set(k.keyId, record ? keySpendOf(record, now) : null)
    }
    return activeAlerts(candidates, (id) => spends.get(id) ?? null, alertDefaults(config))
  }

  const deliver = (body: Record<string, unknown>, attempt = 1) => {
    const url = options.webhook_url
    if (!url) return
    if (attempt === 1) pending++
    const retry = (why: string) => {
      if (attempt >= options.max_attempts) {
        pending--
        console.error(`budget alert ${String(body.id)}: webhook gave up after ${attempt} attempts (${why})`)
        return
      }
      const wait = Math.min(MAX_BACKOFF_MS, options.retry_base_ms * 2 ** (attempt - 1))
      const handle = setTimeout(() => {
        retries.delete(handle)
        deliver(body, attempt + 1)
      }, wait)
      handle.unref?.()
      retries.add(handle)
    }
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'token-hub-alerts' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeout_ms),
    })
      .then(async (response) => {
        await response.body?.cancel().catch(() => {})
        if (response.ok) pending--
        else retry(`HTTP ${response.status}`)
      })
      .catch((error: unknown) => retry((error as Error).message))
  }

  const run = async (): Promise<ActiveAlert[]> => {
    const active = await evaluate()
    const crossed = await store.alerts.crossed()
    const fresh: ActiveAlert[] = []
    const at = clock.now()
    for (const alert of active) {
      if (crossed.has(alert.subject)) continue
      if (!(await store.alerts.markCrossed(alert.subject, alert.accountId, at))) continue
      fresh.push(alert)
      deliver(alertPayload(alert, at))
    }
    const on = new Set(active.map((a) => a.subject))
    for (const subject of crossed) if (!on.has(subject)) await store.alerts.clearCrossed(subject)
    return fresh
  }

  return {
    runOnce() {
      // One check at a time: two overlapping checks must not both see a crossing as new.
      running ??= run().finally(() => {
        running = null
      })
      return running
    },
    activeFor: (accountId) => evaluate(accountId),
    pendingDeliveries: () => pending,
    start() {
      timer = setInterval(() => {
        this.runOnce().catch((error) => console.error('budget alert check failed:', (error as Error).message))
      }, options.check_seconds * 1000)
      timer.unref?.()
    },
    stop() {
      if (timer) clearInterval(timer)
      for (const handle of retries) clearTimeout(handle)
      retries.clear()
    },
  }
}
