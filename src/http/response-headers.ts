import type { FastifyInstance } from 'fastify'
import { SECURITY_HEADERS } from './security-headers.js'

/**
 * Every answer (404s and errors too) carries the security headers and names its request, so
 * a client can quote it. One callback hook, as an async one would cost a promise.
 */
export function addResponseHeaders (app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(SECURITY_HEADERS).header('x-request-id', request.id)
    done()
  })
}
