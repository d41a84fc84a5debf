// Admin pages: accounts, credits, keys of any account, top-up refunds, invites and removals.
import { Elysia } from 'elysia'
import { GatewayError } from '../../errors'
import type { ActiveSession } from '../../accounts/sessions'
import {
  mintFromForm,
  patchFromForm,
  planModels,
  post,
  requireAdminPage,
  snippetModel,
  view,
  withLastUsed,
  type DashboardDeps,
} from './context'
import { flashCookie, originOf, redirect, safeNext } from './forms'
import type { Html } from './html'
import { accountBody, accountsBody } from './pages/admin'
import { editKeyBody, revealPanel } from './pages/keys'
import { inviteReveal } from './pages/team'

export function adminPageRoutes(deps: DashboardDeps) {
  const { portal, topups, users, admin, sessions, clock } = deps
  const notice = (text: string) => flashCookie({ kind: 'notice', text }, sessions.secure)
  const scopeOf = (accountId: string) => admin.scope(accountId)
  const adminView = async (request: Request) => {
    const v = await view(deps, request)
    requireAdminPage(v.session)
    return v
  }
  const adminPost = async (request: Request) => {
    const p = await post(deps, request)
    requireAdminPage(p.session)
    return p
  }
  const accountPage = async (session: ActiveSession, accountId: string, revealed: Html | null) => {
    const scope = await scopeOf(accountId)
    const account = await portal.account(scope)
    const team = await users.team(accountId)
    return {
      title: account.email,
      active: 'admin' as const,
      body: accountBody(
        session,
        {
          account,
          keys: await withLastUsed(deps, await portal.keys(scope)),
          topups: await topups.list(accountId),
          users: team.users,
          invites: team.invites,
          models: planModels(deps, account.plan),
          now: clock.now(),
        },
        revealed,
      ),
    }
  }
  const plans = Object.keys(deps.config.plans)

  return new Elysia({ name: 'dashboard-admin' })
    .get('/dashboard/admin', () => redirect('/dashboard/admin/accounts'))
    .get('/dashboard/admin/accounts', async ({ request, query }) => {
      const { session, render } = await adminView(request)
      const q = query.q ?? ''
      return render({
        title: 'Accounts',
        active: 'admin',
        body: accountsBody(session, await admin.directory({ query: q, limit: 100 }), q, plans, null),
      })
    })
    .post(
      '/dashboard/admin/accounts',
      async ({ request }) => {
        const { session, form, render } = await adminPost(request)
        const plan = form.get('plan') || undefined
        const account = await admin.createAccount({
          email: form.get('email'),
          plan,
          ...(form.get('name') ? { name: form.get('name') } : {}),
        })
        const invite = await users.createInvite(null, {
          email: account.email,
          accountId: account.id,
          role: 'owner',
          isAdmin: form.get('is_admin') === '1',
        })
        return render({ ...(await accountPage(session, account.id, inviteReveal(invite.url, account.email))) })
      },
      { parse: 'none' },
    )
    .get('/dashboard/admin/accounts/:id', async ({ request, params }) => {
      const { session, render } = await adminView(request)
      return render(await accountPage(session, params.id, null))
    })
    .post(
      '/dashboard/admin/accounts/:id/credits',
      async ({ request, params }) => {
        const { form } = await adminPost(request)
        const result = await admin.addCredits(params.id, {
          amount_usd: form.get('amount_usd'),
          ...(form.get('note') ? { note: form.get('note') } : {}),
        })
        return redirect(`/dashboard/admin/accounts/${params.id}`, [
          notice(
            `${result.entry.type === 'topup' ? 'Credited' : 'Adjusted'} $${result.entry.amount_usd}; balance now $${result.account.balance_usd}.`,
          ),
        ])
      },
      { parse: 'none' },
    )
    .post(
      '/dashboard/admin/accounts/:id/keys',
      async ({ request, params }) => {
        const { session, form, render } = await adminPost(request)
        const scope = await scopeOf(params.id)
        const minted = await portal.mintKey(scope, mintFromForm(form))
        const plan = (await portal.account(scope)).plan
        const panel = revealPanel(minted, deps.config.server.public_url, minted.models?.[0] ?? snippetModel(deps, plan))
        return render(await accountPage(session, params.id, panel))
      },
      { parse: 'none' },
    )
    .get('/dashboard/admin/accounts/:id/keys/:keyId', async ({ request, params }) => {
      const { session, render } = await adminView(request)
      const scope = await scopeOf(params.id)
      const key = await portal.key(scope, params.keyId)
      const plan = (await portal.account(scope)).plan
      const base = `/dashboard/admin/accounts/${params.id}`
      return render({
        title: 'Edit key',
        active: 'admin',
        body: editKeyBody(session, key, planModels(deps, plan), `${base}/keys/${key.id}`, base),
      })
    })
    .post(
      '/dashboard/admin/accounts/:id/keys/:keyId',
      async ({ request, params }) => {
        const { form } = await adminPost(request)
        await portal.updateKey(await scopeOf(params.id), params.keyId, patchFromForm(form))
        return redirect(`/dashboard/admin/accounts/${params.id}`, [notice('Key limits saved.')])
      },
      { parse: 'none' },
    )
    .post(
      '/dashboard/admin/accounts/:id/keys/:keyId/revoke',
      async ({ request, params }) => {
        await adminPost(request)
        await portal.revokeKey(await scopeOf(params.id), params.keyId)
        return redirect(`/dashboard/admin/accounts/${params.id}`, [notice('Key revoked.')])
      },
      { parse: 'none' },
    )
    .post(
      '/dashboard/admin/accounts/:id/invite',
      async ({ request, params }) => {
        const { session, form, render } = await adminPost(request)
        const role = form.get('role') === 'owner' ? 'owner' : 'member'
        const created = await users.createInvite(session.user, { email: form.get('email'), accountId: params.id, role })
        return render(await accountPage(session, params.id, inviteReveal(created.url, created.invite.email)))
      },
      { parse: 'none' },
    )
    .post(
      '/dashboard/admin/users/:id/remove',
      async ({ request, params, query }) => {
        const { session } = await adminPost(request)
        await users.removeUser(session.user, params.id)
        return redirect(
          safeNext(query.account ? `/dashboard/admin/accounts/${query.account}` : null, originOf(request), '/dashboard/admin/accounts'),
          [notice('User removed.')],
        )
      },
      { parse: 'none' },
    )
    .post(
      '/dashboard/admin/topups/:id/refund',
      async ({ request, params }) => {
        await adminPost(request)
        const refunded = await topups.refund(params.id)
        const back = safeNext(request.headers.get('referer'), originOf(request), `/dashboard/admin/accounts/${refunded.accountId}`)
        return redirect(back, [
          notice(
            `Refunded ${refunded.currency.toUpperCase()} ${(refunded.refundMinor / 100).toFixed(2)} ($${(refunded.refundMicros / 1e6).toFixed(4)} of credit) through Stripe.`,
          ),
        ])
      },
      { parse: 'none' },
    )
    .all('/dashboard/admin/*', () => {
      throw new GatewayError('route_not_found', 'No such admin page.')
    })
}
