// The signed-in user's pages: overview, keys, top up, activity, request lookup, team.
import { Elysia } from 'elysia'
import { GatewayError } from '../../errors'
import { ownScope } from '../session-guard'
import { activityQuery } from '../api/query'
import { mintFromForm, patchFromForm, planModels, post, snippetModel, view, withLastUsed, type DashboardDeps } from './context'
import { flashCookie, redirect } from './forms'
import { activityBody, lookupBody } from './pages/activity'
import { activityFilters, activityRoutes } from './insight-routes'
import { MODEL_CALL_ROUTES } from '../../usage/aggregate'
import { editKeyBody, keysBody, revealPanel } from './pages/keys'
import { overviewBody } from './pages/overview'
import { inviteReveal, teamBody } from './pages/team'
import { topupBody, topupResultBody } from './pages/topup'

export function accountRoutes(deps: DashboardDeps) {
  const { portal, topups, users, sessions, config } = deps
  const notice = (text: string) => flashCookie({ kind: 'notice', text }, sessions.secure)
  const keysPage = async (
    session: Parameters<typeof ownScope>[0],
    revealed: Parameters<typeof keysBody>[4],
    render: Awaited<ReturnType<typeof view>>['render'],
  ) => {
    const scope = ownScope(session)
    const account = await portal.account(scope)
    return render({
      title: 'API keys',
      active: 'keys',
      body: keysBody(
        session,
        await withLastUsed(deps, await portal.keys(scope)),
        planModels(deps, account.plan),
        scope.canManage,
        revealed,
      ),
    })
  }

  return new Elysia({ name: 'dashboard-account' })
    .get('/dashboard', async ({ request }) => {
      const { session, render } = await view(deps, request)
      const scope = ownScope(session)
      // Model calls only: balance and model-list lookups would crowd them out.
      const recent = await portal.activity(scope, { routes: MODEL_CALL_ROUTES }, { limit: 6 })
      return render({
        title: 'Overview',
        active: 'overview',
        body: overviewBody(await portal.overview(scope), recent.rows, scope.canManage),
      })
    })
    .get('/dashboard/keys', async ({ request }) => {
      const { session, render } = await view(deps, request)
      return keysPage(session, null, render)
    })
    .post(
      '/dashboard/keys',
      async ({ request }) => {
        const { session, form, render } = await post(deps, request)
        const scope = ownScope(session)
        const minted = await portal.mintKey(scope, mintFromForm(form))
        const plan = (await portal.account(scope)).plan
        // Rendered, not redirected: the full key exists only in this answer.
        return keysPage(session, revealPanel(minted, config.server.public_url, minted.models?.[0] ?? snippetModel(deps, plan)), render)
      },
      { parse: 'none' },
    )
    .get('/dashboard/keys/:id', async ({ request, params }) => {
      const { session, render } = await view(deps, request)
      const scope = ownScope(session)
      if (!scope.canManage) throw new GatewayError('forbidden', 'Only the account owner can change key limits.')
      const key = await portal.key(scope, params.id)
      const plan = (await portal.account(scope)).plan
      return render({
        title: 'Edit key',
        active: 'keys',
        body: editKeyBody(session, key, planModels(deps, plan), `/dashboard/keys/${key.id}`, '/dashboard/keys'),
      })
    })
    .post(
      '/dashboard/keys/:id',
      async ({ request, params }) => {
        const { session, form } = await post(deps, request)
        const key = await portal.updateKey(ownScope(session), params.id, patchFromForm(form))
        return redirect('/dashboard/keys', [notice(`Limits of ${key.name ?? key.prefix} saved.`)])
      },
      { parse: 'none' },
    )
    .post(
      '/dashboard/keys/:id/revoke',
      async ({ request, params }) => {
        const { session } = await post(deps, request)
        const key = await portal.revokeKey(ownScope(session), params.id)
        return redirect('/dashboard/keys', [notice(`Key ${key.name ?? key.prefix} revoked; calls with it now fail.`)])
      },
      { parse: 'none' },
    )
    .get('/dashboard/topup', async ({ request }) => {
      const { session, render } = await view(deps, request)
      const scope = ownScope(session)
      const body = topupBody({
        session,
        enabled: topups.enabled,
        canManage: scope.canManage,
        rate: config.billing.cny_per_usd,
        min: config.stripe.min_topup_usd,
        max: config.stripe.max_topup_usd,
        topups: await topups.list(scope.accountId),
        now: deps.clock.now(),
      })
      return render({ title: 'Top up', active: 'topup', body })
    })
    .post(
      '/dashboard/topup',
      async ({ request }) => {
        const { session, form } = await post(deps, request)
        const scope = ownScope(session)
        if (!scope.canManage) throw new GatewayError('forbidden', 'Only the account owner can top up.')
        const currency = form.get('currency') === 'cny' ? 'cny' : 'usd'
        const started = await topups.startCheckout(
          { accountId: scope.accountId, userId: session.user.id, email: session.user.email },
          { amount: form.get('amount'), currency },
        )
        return redirect(started.url)
      },
      { parse: 'none' },
    )
    .get('/dashboard/topup/success', async ({ request, query }) => {
      const { session, render } = await view(deps, request)
      const topup = query.session_id ? await topups.confirm(session.user.accountId, query.session_id) : null
      const result = topupResultBody(topup, false)
      return render({ title: 'Top up', active: 'topup', body: result.body, refreshSeconds: result.refresh ? 2 : 0 })
    })
    .get('/dashboard/topup/cancel', async ({ request }) => {
      const { render } = await view(deps, request)
      return render({ title: 'Top up', active: 'topup', body: topupResultBody(null, true).body })
    })
    .get('/dashboard/activity', async ({ request, query }) => {
      const { session, render } = await view(deps, request)
      const scope = ownScope(session)
      const { filter, page } = activityQuery(query)
      const result = await portal.activity(scope, { ...filter, routes: activityRoutes(query) }, { ...page, limit: page.limit ?? 50 })
      const keys = (await portal.keys(scope)).map((k) => ({ id: k.id, label: k.name ? `${k.name} (${k.prefix})` : k.prefix }))
      const filters = activityFilters(query)
      return render({
        title: 'Activity',
        active: 'activity',
        body: activityBody(result.rows, result.next, filters, keys, await portal.activityModels(scope), page.after !== undefined),
      })
    })
    .get('/dashboard/requests', async ({ request, query }) => {
      const { session, render } = await view(deps, request)
      const id = (query.id ?? '').trim()
      const row = id ? await portal.request(ownScope(session), id) : null
      return render({ title: 'Request lookup', active: 'lookup', body: lookupBody(id, row, config.logs.retention_days) })
    })
    .get('/dashboard/team', async ({ request }) => {
      const { session, render } = await view(deps, request)
      const canInvite = users.canInvite(session.user)
      return render({
        title: 'Team',
        active: 'team',
        body: teamBody(session, await users.team(session.user.accountId), canInvite, null, config.auth.min_password_length),
      })
    })
    .post(
      '/dashboard/team/invite',
      async ({ request }) => {
        const { session, form, render } = await post(deps, request)
        const role = form.get('role') === 'owner' ? 'owner' : 'member'
        const created = await users.createInvite(session.user, { email: form.get('email'), accountId: session.user.accountId, role })
        const team = await users.team(session.user.accountId)
        return render({
          title: 'Team',
          active: 'team',
          body: teamBody(session, team, true, inviteReveal(created.url, created.invite.email), config.auth.min_password_length),
        })
      },
      { parse: 'none' },
    )
    .post(
      '/dashboard/team/:id/remove',
      async ({ request, params }) => {
        const { session } = await post(deps, request)
        await users.removeUser(session.user, params.id)
        return redirect('/dashboard/team', [notice('Removed.')])
      },
      { parse: 'none' },
    )
    .post(
      '/dashboard/password',
      async ({ request }) => {
        const { session, form } = await post(deps, request)
        const changed = await users.changePassword(session.user, form.get('current_password'), form.get('new_password'))
        const fresh = await sessions.start(changed, request)
        return redirect('/dashboard/team', [fresh.setCookie, notice('Password changed; your other sessions were signed out.')])
      },
      { parse: 'none' },
    )
}
