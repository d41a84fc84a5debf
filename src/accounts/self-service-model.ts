// Session-API payloads for the account's own objects: key edits, top-ups, activity filters.
import { Type, type Static } from '@sinclair/typebox'
import { keyLimitFields, MintKeyBody } from './model'

/** Minting from the dashboard takes exactly what the admin API takes. */
export { MintKeyBody }

export const KeyPatchBody = Type.Object(
  { name: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])), ...keyLimitFields },
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
