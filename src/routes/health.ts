import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { HttpProblem } from '../lib/problem.js'
import { problemResponses } from '../schemas/common.js'

const Status = Type.Object({ status: Type.String() })

const healthRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/health', {
    schema: {
      tags: ['health'],
      summary: 'Liveness: 200 while the process is up',
      response: { 200: Status, ...problemResponses() }
    }
  }, async () => ({ status: 'ok' }))

  fastify.get('/ready', {
    schema: {
      tags: ['health'],
      summary: 'Readiness: 200 when the database answers, 503 otherwise',
      response: { 200: Status, ...problemResponses(503) }
    }
  }, async () => {
    if (!(await fastify.store.ping())) throw new HttpProblem(503, 'The database is not answering.')
    return { status: 'ready' }
  })
}

export default healthRoutes
