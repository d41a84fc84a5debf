// `token-hub admin` commands for users, invites and top-ups (the first admin is made here).
import type { AdminService } from '../accounts/service'
import type { Config } from '../config/schema'
import type { Catalog } from '../catalog/catalog'
import { systemClock } from '../clock'
import { randomBase62 } from '../ids'
import { createCreditExpiry } from '../jobs/credit-expiry'
import { createTopupService } from '../payments/topups'
import { topupView } from '../payments/views'
import { GatewayError } from '../errors'
import type { Store } from '../store'
import { stripePaymentsClient, stripeSecrets } from '../payments/stripe/client'
import { createUserService } from '../accounts/users'
import { userView } from '../accounts/user-views'

export const PORTAL_COMMANDS = new Set(['create-user', 'invite', 'list-topups', 'refund-topup', 'expire-credits'])

export interface PortalCliValues {
  email?: string
  password?: string
  admin?: boolean
  account?: string
  role?: string
}

const roleOf = (value: string | undefined) => {
  if (value === undefined) return undefined
  if (value !== 'owner' && value !== 'member') throw new GatewayError('invalid_body', '--role must be owner or member')
  return value
}

export async function portalCommand(
  command: string,
  id: string | undefined,
  values: PortalCliValues,
  deps: { store: Store; config: Config; admin: AdminService; catalog: Catalog },
): Promise<unknown> {
  const { store, config, admin } = deps
  const users = createUserService({ store, config, clock: systemClock, admin, notify: () => {} })
  const topups = () => {
    const secrets = stripeSecrets(config, process.env)
    return createTopupService({
      store,
      config,
      clock: systemClock,
      payments: secrets ? stripePaymentsClient(config, secrets.secretKey) : null,
      webhookSecret: secrets?.webhookSecret ?? null,
    })
  }
  switch (command) {
    case 'create-user': {
      if (!values.email) throw new GatewayError('invalid_body', 'create-user needs --email')
      const password = values.password ?? randomBase62(20)
      const user = await users.createUser({
        email: values.email,
        password,
        accountId: values.account ?? null,
        role: roleOf(values.role),
        isAdmin: values.admin ?? false,
      })
      return {
        ...userView(user),
        ...(values.password ? {} : { password }),
        sign_in: `${config.server.public_url.replace(/\/+$/, '')}/login`,
      }
    }
    case 'invite': {
      if (!values.email) throw new GatewayError('invalid_body', 'invite needs --email')
      const created = await users.createInvite(null, {
        email: values.email,
        accountId: values.account ?? null,
        role: roleOf(values.role),
        isAdmin: values.admin ?? false,
      })
      return {
        email: created.invite.email,
        account_id: created.invite.accountId,
        role: created.invite.role,
        is_admin: created.invite.isAdmin,
        url: created.url,
      }
    }
    case 'list-topups': {
      if (!id) throw new GatewayError('invalid_body', 'list-topups needs an account id')
      await admin.getAccount(id)
      const service = topups()
      return (await service.list(id)).map((t) => topupView(t, service.now()))
    }
    case 'refund-topup': {
      if (!id) throw new GatewayError('invalid_body', 'refund-topup needs a top-up id')
      const service = topups()
      return topupView(await service.refund(id), service.now())
    }
    case 'expire-credits':
      return createCreditExpiry(store, systemClock).runOnce()
    default:
      throw new GatewayError('invalid_body', `unknown command ${command}`)
  }
}
