import { randomBytes } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { sameSecret } from '../lib/same-secret.js'

/**
 * What marks the process's own warm-up requests (see warm-up.ts): a header holding a secret
 * made at start and known only to this process, honoured only until the warm-up ends.
 */
export interface WarmUpPass {
  readonly header: string
  readonly value: string
  /** Whether this request is one of the warm-up's. */
  carries(request: FastifyRequest): boolean
  /** The warm-up is over: no request carries the pass any more. */
  retire(): void
}

export function createWarmUpPass (): WarmUpPass {
  const header = 'x-warm-up'
  const value = randomBytes(24).toString('base64url')
  let active = true
  return {
    header,
    value,
    carries (request) {
      if (!active) return false
      const given = request.headers[header]
      return typeof given === 'string' && sameSecret(given, value)
    },
    retire () {
      active = false
    }
  }
}
