// /api/*: the session API behind the dashboard (cookie + CSRF token; never an API key).
import { Elysia } from 'elysia'
import { accountView, ledgerEntryView, requestView } from '../../accounts/views'
import type { Clock } from '../../clock'
import { formatUsd } from '../../money/usd'
import { encodeCursor } from '../../observability/request-list'
import type { TopupService } from '../../payments/topups'
import { topupView } from '../../payments/views'
import { GatewayError } from '../../errors'
import { bodyValidator } from '../../formats/validate'
import { KeyPatchBody, MintKeyBody, TopupBody } from '../../accounts/self-service-model'
import type { PortalService } from '../../accounts/self-service'
import type { SessionService } from '../../accounts/sessions'
import type { RequestLogRowWithKey } from '../../store/request-log'
import { InviteBody, PasswordChangeBody, SignInBody, SignUpBody } from '../../accounts/user-model'
import type { UserService } from '../../accounts/users'
import { inviteView, userView } from '../../accounts/user-views'
import { json, readJsonBody } from '../responses'
import { ownScope, requireCsrf, requireSameOrigin, requireSession } from '../session-guard'
import { activityQuery, pageQuery } from './query'

export interface ApiDeps {
  sessions: SessionService
  users: UserService
  portal: PortalService
  topups: TopupService
  clock: Clock
  maxBodyBytes: number
  clientIp: (request: Request) => string | null
}

const validate = {
  signIn: bodyValidator(SignInBody),
  signUp: bodyValidator(SignUpBody),
  mint: bodyValidator(MintKeyBody),
  patch: bodyValidator(KeyPatchBody),
  topup: bodyValidator(TopupBody),
  invite: bodyValidator(InviteBody),
  password: bodyValidator(PasswordChangeBody),
}

export const activityView = (row: RequestLogRowWithKey) => ({ ...requestView(row), key_name: row.keyName, key_prefix: row.keyPrefix })

export function apiRoutes(deps: ApiDeps) {
  const { sessions, users, portal, topups } = deps
  const body = (request: Request) => readJsonBody(request, deps.maxBodyBytes)
  /** A signed-in request; writes also pass the CSRF check. */
  const signedIn = async (request: Request) => {
    const session = await requireSession(sessions, request)
    if (request.method !== 'GET' && request.method !== 'HEAD') requireCsrf(sessions, request, session)
    return session
  }
  const withSession = async (request: Request, user: Parameters<SessionService['start']>[0], status = 200) => {
    const { setCookie, session } = await sessions.start(user, request)
    return json({ user: userView(user), csrf_token: session.csrfToken }, status, { 'set-cookie': setCookie, 'cache-control': 'no-store' })
  }

  return new Elysia({ name: 'api' })
    .post(
      '/api/login',
      async ({ request }) => {
        requireSameOrigin(sessions, request)
        const input = validate.signIn(await body(request))
        const user = await users.signIn(input.email, input.password, deps.clientIp(request))
        return withSession(request, user)
      },
      { parse: 'none' },
    )
    .post(
      '/api/signup',
      async ({ request }) => {
        requireSameOrigin(sessions, request)
        const input = validate.signUp(await body(request))
        return withSession(request, await users.signUp(input.email, input.password, input.invite), 201)
      },
      { parse: 'none' },
    )
    .post('/api/logout', async ({ request }) => {
      const session = await signedIn(request)
      return json({ signed_out: true }, 200, { 'set-cookie': await sessions.end(session) })
    })
    .get('/api/me', async ({ request }) => {
      const session = await signedIn(request)
      const overview = await portal.overview(ownScope(session))
      return json({ user: userView(session.user), account: accountView(overview.account), csrf_token: session.csrfToken }, 200, {
        'cache-control': 'no-store',
      })
    })
    .post(
      '/api/password',
      async ({ request }) => {
        const session = await signedIn(request)
        const input = validate.password(await body(request))
        await users.changePassword(session.user, input.current_password, input.new_password)
        return withSession(request, session.user)
      },
      { parse: 'none' },
    )
    .get('/api/balance', async ({ request }) => {
      const o = await portal.overview(ownScope(await signedIn(request)))
      return json({
        balance_usd: formatUsd(o.account.balanceMicros),
        held_usd: formatUsd(o.account.heldMicros),
        available_usd: formatUsd(o.account.availableMicros),
        spend_this_month_usd: formatUsd(o.spendMonthMicros),
        spend_by_day: o.spendByDay.map((d) => ({ date: new Date(d.day).toISOString().slice(0, 10), usd: formatUsd(d.micros) })),
      })
    })
    .get('/api/ledger', async ({ request, query }) => json(await portal.ledger(ownScope(await signedIn(request)), pageQuery(query))))
    .get('/api/keys', async ({ request }) => json({ data: await portal.keys(ownScope(await signedIn(request))) }))
    .post(
      '/api/keys',
      async ({ request }) =>
        json(await portal.mintKey(ownScope(await signedIn(request)), validate.mint(await body(request))), 201, {
          'cache-control': 'no-store',
        }),
      {
        parse: 'none',
      },
    )
    .get('/api/keys/:id', async ({ request, params }) => json(await portal.key(ownScope(await signedIn(request)), params.id)))
    .patch(
      '/api/keys/:id',
      async ({ request, params }) =>
        json(await portal.updateKey(ownScope(await signedIn(request)), params.id, validate.patch(await body(request)))),
      {
        parse: 'none',
      },
    )
    .delete('/api/keys/:id', async ({ request, params }) => json(await portal.revokeKey(ownScope(await signedIn(request)), params.id)))
    .get('/api/activity', async ({ request, query }) => {
      const scope = ownScope(await signedIn(request))
      const { filter, page } = activityQuery(query)
      const result = await portal.activity(scope, filter, page)
      return json({ data: result.rows.map(activityView), next: result.next ? encodeCursor(result.next) : null })
    })
    .get('/api/requests/:id', async ({ request, params }) =>
      json(activityView(await portal.request(ownScope(await signedIn(request)), params.id))),
    )
    .post(
      '/api/topup',
      async ({ request }) => {
        const session = await signedIn(request)
        const scope = ownScope(session)
        if (!scope.canManage) throw new GatewayError('forbidden', 'Only the account owner can top up.')
        const input = validate.topup(await body(request))
        const started = await topups.startCheckout(
          { accountId: scope.accountId, userId: session.user.id, email: session.user.email },
          { amount: String(input.amount), currency: input.currency.toLowerCase() as 'usd' | 'cny' },
        )
        return json(
          {
            id: started.topup.id,
            url: started.url,
            currency: started.topup.currency,
            amount: String(input.amount),
            credit_usd: formatUsd(started.topup.quotedMicros),
          },
          201,
        )
      },
      { parse: 'none' },
    )
    .get('/api/topups', async ({ request }) => {
      const session = await signedIn(request)
      const now = deps.clock.now()
      return json({ stripe_enabled: topups.enabled, data: (await topups.list(session.user.accountId)).map((t) => topupView(t, now)) })
    })
    .get('/api/topups/:id', async ({ request, params }) => {
      const session = await signedIn(request)
      return json(topupView(await topups.get(session.user.accountId, params.id), deps.clock.now()))
    })
    .get('/api/team', async ({ request }) => {
      const session = await signedIn(request)
      const team = await users.team(session.user.accountId)
      return json({ users: team.users.map(userView), invites: team.invites.map(inviteView) })
    })
    .post(
      '/api/invites',
      async ({ request }) => {
        const session = await signedIn(request)
        const input = validate.invite(await body(request))
        const accountId = input.account_id === undefined ? session.user.accountId : input.account_id
        const created = await users.createInvite(session.user, { email: input.email, accountId, role: input.role, isAdmin: input.is_admin })
        return json({ ...inviteView(created.invite), url: created.url }, 201, { 'cache-control': 'no-store' })
      },
      { parse: 'none' },
    )
    .delete('/api/users/:id', async ({ request, params }) => {
      const session = await signedIn(request)
      await users.removeUser(session.user, params.id)
      return json({ id: params.id, removed: true })
    })
    .get('/api/ledger/:id', async ({ request, params }) =>
      json(ledgerEntryView(await portal.ledgerEntry(ownScope(await signedIn(request)), params.id))),
    )
    .get('/api/keys/:id/usage', async ({ request, params }) => {
      const key = await portal.key(ownScope(await signedIn(request)), params.id)
      return json({
        id: key.id,
        window_spend_usd: formatUsd(key.window_spend_micros),
        window_spend_micros: key.window_spend_micros,
        budget_usd: key.budget_usd,
        budget_window_days: key.budget_window_days,
      })
    })
}
