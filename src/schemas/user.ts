import { type Static, Type } from '@sinclair/typebox'
import { NullableString, PLAIN_TEXT, ref } from './common.js'

export const Me = Type.Object({
  sub: Type.String(),
  name: NullableString(),
  email: NullableString(),
  picture: NullableString(),
  roles: Type.Array(Type.String(), { description: 'From the role claim, as authorization sees it' }),
  permissions: Type.Array(Type.String(), { description: 'From the permissions claim (Auth0 RBAC)' }),
  isAdmin: Type.Boolean()
}, {
  $id: 'Me',
  description: 'name, email and picture come from the issuer\'s userinfo; null when it could not be asked',
  examples: [{ sub: 'auth0|123', name: 'Ada', email: 'ada@example.com', picture: null, roles: ['admin'], permissions: ['write:products'], isAdmin: true }]
})

export const LogoutBody = Type.Object(
  { everywhere: Type.Optional(Type.Boolean({ description: 'Also revoke every other token of this user issued until now (false when left out)' })) },
  { $id: 'LogoutRequest', additionalProperties: false, description: 'Optional: no body means the defaults', examples: [{ everywhere: true }] }
)

export const LogoutResult = Type.Object({
  revoked: Type.Literal(true),
  logoutUrl: NullableString({
    description: "Auth0's session logout, for the client to open; null unless AUTH0_CLIENT_ID and AUTH0_LOGOUT_RETURN_TO are set"
  })
}, { $id: 'LogoutResult', description: 'The token is revoked', examples: [{ revoked: true, logoutUrl: null }] })

const USER_EXAMPLE = {
  sub: 'auth0|123',
  name: 'Ada',
  email: 'ada@example.com',
  picture: null,
  isAdmin: true,
  firstSeenAt: '2026-01-01T12:00:00.000Z',
  lastSeenAt: '2026-01-02T12:00:00.000Z'
}

export const UserRecord = Type.Object({
  sub: Type.String(),
  name: NullableString(),
  email: NullableString(),
  picture: NullableString(),
  isAdmin: Type.Boolean({ description: 'As last seen in a token' }),
  firstSeenAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' })
}, { $id: 'User', description: 'A user as last seen in a token', examples: [USER_EXAMPLE] })

export const UserParams = Type.Object({ sub: Type.String({ minLength: 1, maxLength: 200, ...PLAIN_TEXT, description: 'The subject, URL-encoded (auth0%7C123)' }) })

export const UserListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 500 }))
  },
  { additionalProperties: false }
)

export const UserList = Type.Object({
  items: Type.Array(ref(UserRecord)),
  nextCursor: NullableString()
}, { $id: 'UserPage', description: 'A page of users', examples: [{ items: [USER_EXAMPLE], nextCursor: null }] })

export type UserRecordJson = Static<typeof UserRecord>
export type MeBody = Static<typeof Me>
