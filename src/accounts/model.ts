// Admin payload schemas (HTTP and CLI share them).
import { Type, type Static } from '@sinclair/typebox'

const UsdString = Type.String({ pattern: '^-?\\d{1,12}(\\.\\d{1,6})?$', description: 'USD as a decimal string' })

export const CreateAccountBody = Type.Object(
  {
    email: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 320 }),
    plan: Type.Optional(Type.String({ minLength: 1 })),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type CreateAccountBody = Static<typeof CreateAccountBody>

export const CreditsBody = Type.Object(
  { amount_usd: UsdString, note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
)
export type CreditsBody = Static<typeof CreditsBody>

/** A key's limits, as minted (admin API, CLI) and as edited (dashboard): one definition for both. */
export const keyLimitFields = {
  models: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1 })), Type.Null()])),
  ip_allowlist: Type.Optional(Type.Union([Type.Array(Type.String({ minLength: 1 })), Type.Null()])),
  rpm: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  budget_usd: Type.Optional(Type.Union([UsdString, Type.Null()])),
  budget_window_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660 })),
  /** Days from now, or null for no expiry. */
  expires_in_days: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 36600 }), Type.Null()])),
}

export const MintKeyBody = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 200 })), ...keyLimitFields },
  { additionalProperties: false },
)
export type MintKeyBody = Static<typeof MintKeyBody>

export const PatchAccountBody = Type.Object(
  {
    // Exact catalog ids; the whole list is replaced ([] enables every model again).
    disabled_models: Type.Array(Type.String({ minLength: 1 }), { maxItems: 1000 }),
  },
  { additionalProperties: false },
)
export type PatchAccountBody = Static<typeof PatchAccountBody>

/** `GET /admin/requests` query parameters, as strings (the CLI passes the same). */
export interface RequestListQuery {
  account?: string
  key?: string
  /** `429`, or a class such as `4xx`. */
  status?: string
  /** ISO 8601 time or epoch milliseconds. */
  since?: string
  until?: string
  limit?: string
  cursor?: string
}
