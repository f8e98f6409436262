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
  }),
  sharedBudgets: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('off')], {
    description: 'ok: rate budgets are shared with the other replicas through Redis; degraded: Redis is down, budgets are counted per process until it is back; off: no REDIS_URL, budgets are per process'
  })
}, {
  $id: 'Readiness',
  description: 'Ready to serve',
  examples: [{ status: 'ready', database: 'ok', signingKeys: 'ok', sharedBudgets: 'ok' }]
})
