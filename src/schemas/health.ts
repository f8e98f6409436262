import { Type } from '@sinclair/typebox'

export const Health = Type.Object(
  { status: Type.String() },
  { $id: 'Health', description: 'The process is up', examples: [{ status: 'ok' }] }
)

export const Readiness = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Literal('ok'),
  signingKeys: Type.Union([Type.Literal('ok'), Type.Literal('stale')], {
    description: "ok: the issuer's JWKS was fetched recently; stale: the issuer fails but cached keys still verify tokens"
  })
}, { $id: 'Readiness', description: 'Ready to serve', examples: [{ status: 'ready', database: 'ok', signingKeys: 'ok' }] })
