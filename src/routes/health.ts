import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HttpProblem } from '../http/problem.js'
import { jsonResponse, probeProblemResponses } from '../schemas/common.js'
import { Health, Readiness } from '../schemas/health.js'

// Probes are exempt from the rate limit: an orchestrator polling them must never be refused.
const UNLIMITED = { rateLimit: false as const }

const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/health', {
    config: UNLIMITED,
    schema: {
      tags: ['health'],
      operationId: 'health',
      summary: 'Liveness: 200 while the process is up',
      description: 'Public and never rate limited. Answers without touching the database.',
      security: [],
      response: { 200: jsonResponse(Health, 'The process is up'), ...probeProblemResponses() }
    }
  }, async () => ({ status: 'ok' }))

  fastify.get('/ready', {
    config: UNLIMITED,
    schema: {
      tags: ['health'],
      operationId: 'ready',
      summary: "Readiness: 200 when the database answers and the issuer's signing keys can be had; 503 otherwise",
      description: 'Public and never rate limited. For an orchestrator: route traffic here only while it answers 200. ' +
        'With REDIS_URL, also 503 until Redis has been reached once; a later Redis outage keeps 200 with sharedBudgets "degraded" (requests are still served, budgets counted per process).',
      security: [],
      response: { 200: jsonResponse(Readiness, 'Ready'), ...probeProblemResponses() }
    }
  }, async () => {
    // First: while draining, the balancer must stop sending here even if all else is well.
    if (fastify.draining()) throw new HttpProblem(503, 'Shutting down: finishing the requests in flight.')
    if (!(await fastify.store.ping())) throw new HttpProblem(503, 'The database is not answering.')
    const signingKeys = await fastify.signingKeysStatus()
    if (signingKeys === 'unavailable') throw new HttpProblem(503, "The issuer's signing keys (JWKS) cannot be fetched.")
    const sharedBudgets = fastify.sharedBudgets()
    if (sharedBudgets === 'unreached') throw new HttpProblem(503, 'Redis (shared rate budgets) has not been reached yet.')
    return { status: 'ready' as const, database: 'ok' as const, signingKeys, sharedBudgets }
  })
}

export default healthRoutes
