// Session-API payloads for the account's own objects: key edits, top-ups, activity filters.
import { Type, type Static } from '@sinclair/typebox'
import { MintKeyBody } from '../admin/model'

const UsdString = Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,6})?$', description: 'USD as a decimal string' })

/** Minting from the dashboard takes exactly what the admin API takes. */
export { MintKeyBody }

export const KeyPatchBody = Type.Object(
  {
    name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    models: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1 })), Type.Null()])),
    ip_allowlist: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1 })), Type.Null()])),
    rpm: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    budget_usd: Type.Optional(Type.Union([UsdString, Type.Null()])),
    budget_window_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660 })),
    /** Days from now, or null for no expiry. */
    expires_in_days: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 36600 }), Type.Null()])),
  },
  { additionalProperties: false },
)
export type KeyPatchBody = Static<typeof KeyPatchBody>

export const TopupBody = Type.Object(
  {
    amount: Type.Union([Type.String({ maxLength: 20 }), Type.Number({ exclusiveMinimum: 0 })]),
    currency: Type.Union([Type.Literal('usd'), Type.Literal('cny'), Type.Literal('USD'), Type.Literal('CNY')]),
  },
  { additionalProperties: false },
)
export type TopupBody = Static<typeof TopupBody>

export const CreditBody = Type.Object(
  { amount_usd: Type.String({ pattern: '^-?\\d{1,12}(\\.\\d{1,6})?$' }), note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
)
