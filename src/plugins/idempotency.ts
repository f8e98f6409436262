import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import fp from 'fastify-plugin'
import { HttpProblem } from '../lib/problem.js'
import type { StoredResponse } from '../store/types.js'

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

/** An Idempotency-Key as a request presented it, with what identifies the request. */
export interface IdempotencyKey {
  sub: string
  key: string
  requestHash: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler for routes that honour Idempotency-Key: validates it into request.idempotencyKey. */
    idempotencyKey: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void
  }
  interface FastifyRequest {
    /** The request's valid Idempotency-Key, or null without one. */
    idempotencyKey: IdempotencyKey | null
  }
  interface FastifyReply {
    /** Sends a stored response; `replayed` marks it Idempotent-Replayed: true. */
    sendStored(response: StoredResponse, replayed: boolean): FastifyReply
  }
}

function requestHash (request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${request.headers['content-type'] ?? ''}\n`)
    .update(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null))
    .digest('base64url')
}

/** A JSON response as an Idempotency-Key stores it, to be sent now and replayed later. */
export function storedResponse (status: number, body: unknown, headers: Record<string, string> = {}): StoredResponse {
  return { status, body: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=utf-8', ...headers } }
}

/**
 * Idempotency-Key for POST routes that opt in (preHandler: fastify.idempotencyKey): runs after
 * authentication and validation, so the key belongs to a subject and a well-formed request.
 * What a key replays, and when, is the product service's rule.
 */
export default fp(
  async function idempotencyPlugin (fastify) {
    fastify.decorateRequest('idempotencyKey', null)
    fastify.decorateReply('sendStored', function sendStored (this: FastifyReply, response: StoredResponse, replayed: boolean) {
      const headers = replayed ? { ...response.headers, 'idempotent-replayed': 'true' } : response.headers
      return this.code(response.status).headers(headers).send(response.body)
    })
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
