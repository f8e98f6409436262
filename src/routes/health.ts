import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HttpProblem } from '../lib/problem.js'
import { probeProblemResponses } from '../schemas/common.js'

const Status = Type.Object({ status: Type.String() })
const Readiness = Type.Object({
  status: Type.Literal('ready'),
  database: Type.Literal('ok'),
  signingKeys: Type.Union([Type.Literal('ok'), Type.Literal('stale')], {
    description: "ok: the issuer's JWKS was fetched recently; stale: the issuer fails but cached keys still verify tokens"
  })
})

// Probes are exempt from the rate limit: an orchestrator polling them must never be refused.
const UNLIMITED = { rateLimit: false as const }

const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/health', {
    config: UNLIMITED,
    schema: {
      tags: ['health'],
      summary: 'Liveness: 200 while the process is up',
      response: { 200: Status, ...probeProblemResponses() }
    }
  }, async () => ({ status: 'ok' }))

  fastify.get('/ready', {
    config: UNLIMITED,
    schema: {
      tags: ['health'],
      summary: "Readiness: 200 when the database answers and the issuer's signing keys can be had, 503 otherwise",
      response: { 200: Readiness, ...probeProblemResponses() }
    }
  }, async () => {
    if (!(await fastify.store.ping())) throw new HttpProblem(503, 'The database is not answering.')
    const signingKeys = await fastify.signingKeysStatus()
    if (signingKeys === 'unavailable') throw new HttpProblem(503, "The issuer's signing keys (JWKS) cannot be fetched.")
    return { status: 'ready' as const, database: 'ok' as const, signingKeys }
  })
}

export default healthRoutes
