// Session-API and form payloads for users: sign-in, sign-up, invites, password change.
import { Type, type Static } from '@sinclair/typebox'

const Email = Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 320 })
const Password = Type.String({ minLength: 1, maxLength: 256 })

export const SignInBody = Type.Object({ email: Email, password: Password }, { additionalProperties: false })
export type SignInBody = Static<typeof SignInBody>

export const SignUpBody = Type.Object(
  { email: Email, password: Password, invite: Type.Optional(Type.String()) },
  { additionalProperties: false },
)
export type SignUpBody = Static<typeof SignUpBody>

export const InviteBody = Type.Object(
  {
    email: Email,
    role: Type.Optional(Type.Union([Type.Literal('owner'), Type.Literal('member')])),
    /** Admins only: invite into another account, or (null) into a new account of the invitee's own. */
    account_id: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    is_admin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type InviteBody = Static<typeof InviteBody>

export const PasswordChangeBody = Type.Object({ current_password: Password, new_password: Password }, { additionalProperties: false })
export type PasswordChangeBody = Static<typeof PasswordChangeBody>
