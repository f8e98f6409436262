import type { FastifyInstance } from 'fastify'
import { SECURITY_HEADERS } from '../plugins/external/helmet.js'

const SECURITY_ENTRIES = Object.entries(SECURITY_HEADERS)

/**
 * Every response (404s and errors too) carries the security headers and names its request:
 * one callback hook for both, as an async one would cost a promise.
 */
export function addResponseHeaders (app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of SECURITY_ENTRIES) reply.header(name, value)
    reply.header('x-request-id', request.id)
    done()
  })
}
