import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { HttpProblem } from '../../http/problem.js'
import { IDEMPOTENCY_KEY_PATTERN } from '../../schemas/common.js'
import type { IdempotencyKey } from '../../services/products.js'

const KEY_PATTERN = new RegExp(IDEMPOTENCY_KEY_PATTERN)

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler for routes that honour Idempotency-Key: validates it into request.idempotencyKey. */
    idempotencyKey: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void
  }
  interface FastifyRequest {
    /** The request's valid Idempotency-Key, or null without one. */
    idempotencyKey: IdempotencyKey | null
  }
}

function requestHash (request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${request.headers['content-type'] ?? ''}\n`)
    .update(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null))
    .digest('base64url')
}

/**
 * Idempotency-Key for POST routes that opt in (preHandler: fastify.idempotencyKey): runs after
 * authentication and validation, so the key belongs to a subject and a well-formed request.
 * What a key replays, and when, is the products service's rule; the route answers a replay
 * from the first write's result, as it answered the first time.
 */
export default fp(
  async function idempotencyPlugin (fastify) {
    fastify.decorateRequest('idempotencyKey', null)
    fastify.decorate('idempotencyKey', function idempotencyKey (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
      const key = request.headers['idempotency-key']
      if (key === undefined) return done()
      if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
        return done(new HttpProblem(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters.', {
          errors: [{ in: 'headers', field: 'idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }]
        }))
      }
      request.idempotencyKey = { sub: request.principal?.sub ?? '', key, requestHash: requestHash(request) }
      done()
    })
  },
  { name: 'idempotency', dependencies: ['auth'] }
)
