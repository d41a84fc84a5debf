// What every dashboard handler needs: its dependencies and helpers to render pages and read forms.
import type { AdminService } from '../../accounts/service'
import type { Config } from '../../config/schema'
import type { Catalog } from '../../catalog/catalog'
import type { Clock } from '../../clock'
import type { TopupService } from '../../payments/topups'
import { GatewayError } from '../../errors'
import { bodyValidator } from '../../formats/validate'
import { KeyPatchBody, MintKeyBody } from '../../accounts/self-service-model'
import type { PortalService } from '../../accounts/self-service'
import type { ActiveSession, SessionService } from '../../accounts/sessions'
import type { UserService } from '../../accounts/users'
import type { InsightsService } from '../../accounts/insights'
import type { BudgetAlerts } from '../../jobs/budget-alerts'
import { alertText } from '../../alerts/evaluate'
import { requireCsrf, requireSession } from '../session-guard'
import { htmlResponse, readForm, takeFlash, type Form } from './forms'
import { page, type Flash, type PageInput } from './layout'

export interface DashboardDeps {
  config: Config
  catalog: Catalog
  clock: Clock
  sessions: SessionService
  users: UserService
  portal: PortalService
  topups: TopupService
  admin: AdminService
  /** The client IP as the gateway sees it (proxy-aware), for sign-in throttling. */
  clientIp: (request: Request) => string | null
  insights: InsightsService
  alerts: BudgetAlerts
}

/** A signed-in page view: the session and the flash left by the previous redirect. */
export async function view(deps: DashboardDeps, request: Request) {
  const session = await requireSession(deps.sessions, request)
  const { flash, clear } = takeFlash(request)
  // The signed-in account's alerts that are on now: a banner on every page until they are not.
  const alerts = (await deps.alerts.activeFor(session.user.accountId)).map(alertText)
  const render = (input: Omit<PageInput, 'session' | 'flash'> & { flash?: Flash }, status = 200, cookies: Array<string | null> = []) =>
    htmlResponse(page({ ...input, session, flash: input.flash ?? flash, alerts }), status, [clear, ...cookies])
  return { session, render }
}

/** A signed-in form post: session, CSRF (field or header + origin), then the parsed form. */
export async function post(
  deps: DashboardDeps,
  request: Request,
): Promise<{ session: ActiveSession; form: Form; render: Awaited<ReturnType<typeof view>>['render'] }> {
  const session = await requireSession(deps.sessions, request)
  const form = await readForm(request)
  requireCsrf(deps.sessions, request, session, form.csrf)
  const render: Awaited<ReturnType<typeof view>>['render'] = (input, status = 200, cookies = []) =>
    htmlResponse(page({ ...input, session, flash: input.flash ?? null }), status, cookies)
  return { session, form, render }
}

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
/** A form number: empty → fallback, digits → the number, anything else is passed on for the validator to name. */
const num = <T>(text: string, fallback: T): number | T | string =>
  text === '' ? fallback : /^\d+(\.\d+)?$/.test(text) ? Number(text) : text
const validateMint = bodyValidator(MintKeyBody)
const validatePatch = bodyValidator(KeyPatchBody)

/** The mint form as the admin API's body: empty fields are "not set". */
export function mintFromForm(form: Form): MintKeyBody {
  const models = form.all('models')
  const ips = list(form.get('ip_allowlist'))
  return validateMint({
    ...(form.get('name') ? { name: form.get('name') } : {}),
    ...(models.length ? { models } : {}),
    ...(ips.length ? { ip_allowlist: ips } : {}),
    ...(form.get('rpm') ? { rpm: num(form.get('rpm'), null) } : {}),
    ...(form.get('budget_usd') ? { budget_usd: form.get('budget_usd') } : {}),
    ...(form.get('budget_window_days') ? { budget_window_days: num(form.get('budget_window_days'), 30) } : {}),
    expires_in_days: num(form.get('expires_in_days'), null),
  })
}

/**
 * The edit form as a full patch: an emptied field clears that limit. The expiry is days from now,
 * so it changes only when the field was edited (saving other limits must not push it back).
 */
export function patchFromForm(form: Form): KeyPatchBody {
  const models = form.all('models')
  const ips = list(form.get('ip_allowlist'))
  const expiryEdited = form.get('expires_in_days') !== form.get('expires_in_days_was')
  return validatePatch({
    name: form.get('name') || null,
    models: models.length ? models : null,
    ip_allowlist: ips.length ? ips : null,
    rpm: num(form.get('rpm'), null),
    budget_usd: form.get('budget_usd') || null,
    budget_window_days: num(form.get('budget_window_days'), 30),
    ...(expiryEdited ? { expires_in_days: num(form.get('expires_in_days'), null) } : {}),
  })
}

export function requireAdminPage(session: ActiveSession): void {
  if (!session.user.isAdmin) throw new GatewayError('forbidden', 'This page is for instance admins.')
}

/** Keys with the time each was last used (from the request log). */
export async function withLastUsed<K extends { id: string }>(
  deps: DashboardDeps,
  keys: K[],
): Promise<Array<K & { last_used_at: number | null }>> {
  const used = await deps.insights.lastUsed(keys.map((k) => k.id))
  return keys.map((k) => ({ ...k, last_used_at: used.get(k.id) ?? null }))
}

/** The model a new key's snippets name: the plan's first chat model. */
export function snippetModel(deps: DashboardDeps, plan: string): string {
  const models = planModels(deps, plan)
  return models.find((id) => deps.catalog.get(id)?.kind === 'chat') ?? models[0] ?? 'gpt-4o-mini'
}

/** Models an account's keys can be limited to: its plan's. */
export function planModels(deps: DashboardDeps, plan: string): string[] {
  return [...deps.catalog.allowedFor(plan, null)].sort()
}
