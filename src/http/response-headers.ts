import type { FastifyInstance } from 'fastify'

/**
 * Every answer (404s and errors too) names its request, so a client can quote it. A callback
 * hook, as an async one would cost a promise. The security headers come from @fastify/helmet.
 */
export function addResponseHeaders (app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
}
