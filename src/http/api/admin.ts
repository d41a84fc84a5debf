// /api/admin/*: instance admins' operations over any account, with a session (cookie + CSRF token).
import { Elysia } from 'elysia'
import { CreateAccountBody, CreditsBody, MintKeyBody } from '../../accounts/model'
import type { AdminService } from '../../accounts/service'
import { accountView } from '../../accounts/views'
import type { Clock } from '../../clock'
import type { TopupService } from '../../payments/topups'
import { topupView } from '../../payments/views'
import { bodyValidator } from '../../formats/validate'
import type { PortalService } from '../../accounts/self-service'
import type { SessionService } from '../../accounts/sessions'
import { json, readJsonBody } from '../responses'
import { requireAdminUser, requireCsrf, requireSession } from '../session-guard'
import { integer } from './query'

export interface AdminApiDeps {
  sessions: SessionService
  admin: AdminService
  portal: PortalService
  topups: TopupService
  clock: Clock
  maxBodyBytes: number
}

const validateAccount = bodyValidator(CreateAccountBody)
const validateCredits = bodyValidator(CreditsBody)
const validateMint = bodyValidator(MintKeyBody)

export function adminApiRoutes(deps: AdminApiDeps) {
  const { sessions, admin, portal, topups } = deps
  const body = (request: Request) => readJsonBody(request, deps.maxBodyBytes)
  const asAdmin = async (request: Request) => {
    const session = await requireSession(sessions, request)
    requireAdminUser(session)
    if (request.method !== 'GET') requireCsrf(sessions, request, session)
    return session
  }
  const scopeOf = (accountId: string) => admin.scope(accountId)

  return new Elysia({ name: 'api-admin' })
    .get('/api/admin/accounts', async ({ request, query }) => {
      await asAdmin(request)
      const page = await admin.directory({ query: query.q, limit: integer(query, 'limit'), offset: integer(query, 'offset') })
      return json({
        total: page.total,
        data: page.rows.map((a) => ({ id: a.id, email: a.email, name: a.name, plan: a.plan, users: a.users })),
      })
    })
    .post(
      '/api/admin/accounts',
      async ({ request }) => {
        await asAdmin(request)
        return json(await admin.createAccount(validateAccount(await body(request))), 201)
      },
      { parse: 'none' },
    )
    .get('/api/admin/accounts/:id', async ({ request, params }) => {
      await asAdmin(request)
      const overview = await portal.overview(await scopeOf(params.id))
      return json(accountView(overview.account))
    })
    .post(
      '/api/admin/accounts/:id/credits',
      async ({ request, params }) => {
        await asAdmin(request)
        return json(await admin.addCredits(params.id, validateCredits(await body(request))), 201)
      },
      { parse: 'none' },
    )
    .get('/api/admin/accounts/:id/keys', async ({ request, params }) => {
      await asAdmin(request)
      return json({ data: await portal.keys(await scopeOf(params.id)) })
    })
    .post(
      '/api/admin/accounts/:id/keys',
      async ({ request, params }) => {
        await asAdmin(request)
        return json(await portal.mintKey(await scopeOf(params.id), validateMint(await body(request))), 201, { 'cache-control': 'no-store' })
      },
      { parse: 'none' },
    )
    .delete('/api/admin/keys/:id', async ({ request, params }) => {
      await asAdmin(request)
      return json(await admin.revokeKey(params.id))
    })
    .get('/api/admin/accounts/:id/topups', async ({ request, params }) => {
      await asAdmin(request)
      await scopeOf(params.id)
      const now = deps.clock.now()
      return json({ data: (await topups.list(params.id)).map((t) => topupView(t, now)) })
    })
    .post('/api/admin/topups/:id/refund', async ({ request, params }) => {
      await asAdmin(request)
      return json(topupView(await topups.refund(params.id), deps.clock.now()))
    })
}
