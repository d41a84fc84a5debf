// /admin/*: the operator API behind the admin token (contract §9).
import { Elysia } from 'elysia'
import type { AdminGuard } from '../../access/admin-auth'
import { CreateAccountBody, CreditsBody, MintKeyBody, PatchAccountBody } from '../../accounts/model'
import type { AdminService } from '../../accounts/service'
import type { TopupService } from '../../payments/topups'
import { topupView } from '../../payments/views'
import { GatewayError } from '../../errors'
import { bodyValidator } from '../../formats/validate'
import { json, readJsonBody } from '../responses'

export interface AdminRouteDeps {
  admin: AdminService
  adminGuard: AdminGuard
  clientIp: (request: Request) => string | null
  maxBodyBytes: number
  topups?: TopupService
  /** Writes off credit lots past their expiry now (what the expiry job does on its timer). */
  expireCredits?: () => Promise<unknown>
  /**
   * Creates the new account's owner user, pending until they open the returned link and choose a
   * password (an operator API has no password to give them).
   */
  inviteOwner?: (account: { id: string; email: string }) => Promise<string>
}

const validateCreateAccount = bodyValidator(CreateAccountBody)
const validateCredits = bodyValidator(CreditsBody)
const validateMintKey = bodyValidator(MintKeyBody)
const validatePatchAccount = bodyValidator(PatchAccountBody)

export function adminRoutes({ admin, adminGuard, clientIp, maxBodyBytes, topups, expireCredits, inviteOwner }: AdminRouteDeps) {
  const body = (request: Request) => readJsonBody(request, maxBodyBytes)
  return new Elysia({ name: 'admin' })
    .onBeforeHandle(({ request }) => adminGuard.require(request.headers, clientIp(request)))
    .post(
      '/admin/accounts',
      async ({ request }) => {
        const account = await admin.createAccount(validateCreateAccount(await body(request)))
        const ownerInviteUrl = inviteOwner ? await inviteOwner(account) : null
        return json({ ...account, owner_invite_url: ownerInviteUrl }, 201)
      },
      { parse: 'none' },
    )
    .get('/admin/accounts/:id', async ({ params }) => json(await admin.getAccount(params.id)))
    .patch(
      '/admin/accounts/:id',
      async ({ request, params }) => json(await admin.patchAccount(params.id, validatePatchAccount(await body(request)))),
      {
        parse: 'none',
      },
    )
    .delete('/admin/accounts/:id', async ({ params }) => {
      await admin.deleteAccount(params.id)
      return json({ id: params.id, deleted: true })
    })
    .post(
      '/admin/accounts/:id/credits',
      async ({ request, params }) => json(await admin.addCredits(params.id, validateCredits(await body(request))), 201),
      { parse: 'none' },
    )
    .post(
      '/admin/accounts/:id/keys',
      async ({ request, params }) => json(await admin.mintKey(params.id, validateMintKey(await body(request))), 201),
      { parse: 'none' },
    )
    .get('/admin/accounts/:id/keys', async ({ params }) => json({ data: await admin.listKeys(params.id) }))
    .delete('/admin/keys/:id', async ({ params }) => json(await admin.revokeKey(params.id)))
    .get('/admin/requests', async ({ query }) =>
      json(
        await admin.listRequests({
          account: query.account,
          key: query.key,
          status: query.status,
          since: query.since,
          until: query.until,
          limit: query.limit,
          cursor: query.cursor,
        }),
      ),
    )
    .get('/admin/requests/:id', async ({ params }) => json(await admin.getRequest(params.id)))
    .get('/admin/accounts/:id/ledger', async ({ params, query }) => {
      const limit = query.limit === undefined ? undefined : Number(query.limit)
      const before = query.before === undefined ? undefined : Number(query.before)
      if ((limit !== undefined && !Number.isInteger(limit)) || (before !== undefined && !Number.isInteger(before))) {
        throw new GatewayError('invalid_body', 'limit and before must be integers.', { param: limit === undefined ? 'before' : 'limit' })
      }
      return json(await admin.ledger(params.id, { limit, before }))
    })
    .get('/admin/accounts/:id/topups', async ({ params }) => {
      await admin.getAccount(params.id)
      const service = requireTopups(topups)
      return json({ data: (await service.list(params.id)).map((t) => topupView(t, service.now())) })
    })
    .post('/admin/credits/expire', async () => {
      if (!expireCredits) throw new GatewayError('not_found', 'Credit expiry is not available in this server.')
      return json(await expireCredits())
    })
    .post('/admin/topups/:id/refund', async ({ params }) => {
      const service = requireTopups(topups)
      return json(topupView(await service.refund(params.id), service.now()))
    })
}

const requireTopups = (topups: TopupService | undefined): TopupService => {
  if (!topups) throw new GatewayError('payments_unavailable', 'Top-ups are not available in this server.')
  return topups
}
