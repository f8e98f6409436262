import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import type { IdempotencyRepository } from '../repositories/idempotency-repository.js'
import { HttpProblem } from './problem.js'

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/
const RETENTION_MS = 24 * 60 * 60 * 1000
const REPLAYED_HEADERS = ['content-type', 'location', 'etag']

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds an Idempotency-Key claim that its response must settle. */
    idempotencyClaim: { sub: string; key: string } | null
  }
}

function requestHash (request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${request.headers['content-type'] ?? ''}\n`)
    .update(typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null))
    .digest('base64url')
}

/**
 * Idempotency-Key support for POST routes: within 24 hours the same key from the same
 * subject with the same request replays the first successful response; with another
 * request it is 422; while the first is still running it is 409. Runs after
 * authentication and validation, and a request that ends in an error releases its key.
 */
export function idempotencyHooks (repository: IdempotencyRepository): {
  preHandler: preHandlerAsyncHookHandler
  onSend: (request: FastifyRequest, reply: FastifyReply, payload: unknown) => Promise<unknown>
} {
  return {
    async preHandler (request, reply) {
      const key = request.headers['idempotency-key']
      if (key === undefined) return
      if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
        throw new HttpProblem(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters.', {
          errors: [{ in: 'headers', field: 'idempotency-key', message: 'must be 1 to 255 visible ASCII characters' }]
        })
      }
      const sub = request.principal?.sub ?? ''
      const now = new Date()
      const claim = await repository.claim(sub, key, requestHash(request), now, new Date(now.getTime() - RETENTION_MS))
      switch (claim.outcome) {
        case 'claimed':
          request.idempotencyClaim = { sub, key }
          return
        case 'mismatch':
          throw new HttpProblem(422, 'This Idempotency-Key was already used with a different request.')
        case 'in-progress':
          throw new HttpProblem(409, 'A request with this Idempotency-Key is still being processed; retry later.')
        case 'replay':
          return reply
            .code(claim.response.status)
            .headers({ ...claim.response.headers, 'idempotent-replayed': 'true' })
            .send(claim.response.body)
      }
    },

    async onSend (request, reply, payload) {
      const claim = request.idempotencyClaim
      if (!claim) return payload
      request.idempotencyClaim = null
      if (reply.statusCode >= 300 || typeof payload !== 'string') {
        // Only a success is replayed: a refused or failed request changed nothing, so the
        // client may fix it and retry under the same key.
        await repository.release(claim.sub, claim.key)
        return payload
      }
      const headers: Record<string, string> = {}
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name)
        if (typeof value === 'string') headers[name] = value
      }
      await repository.complete(claim.sub, claim.key, { status: reply.statusCode, body: payload, headers })
      return payload
    }
  }
}

export function idempotencyPurgeCutoff (now = Date.now()): Date {
  return new Date(now - RETENTION_MS)
}
