import { normalizeIP, type RateLimitOptions, type RateLimitPluginOptions } from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HttpProblem } from '../../http/problem.js'
import { type SharedBudgets, SharedCounterStore } from './rate-limit-store.js'

const WINDOW_MS = 60_000

/** A 429 saying when to retry, in its detail and in Retry-After, the same for every budget. */
export function rateLimitExceeded (retryAfterSeconds: number): HttpProblem {
  const seconds = Math.max(1, retryAfterSeconds)
  return new HttpProblem(429, `Too many requests; retry in ${seconds} second${seconds === 1 ? '' : 's'}.`, {
    headers: { 'retry-after': String(seconds) }
  })
}

/**
 * The client's address as the plugin keys it (an IPv6 client by its /64). A client that has
 * already gone has no address, and must not turn into a 500 in the log.
 */
export function clientKey (request: FastifyRequest): string {
  return normalizeIP(request.ip ?? '')
}

/**
 * The write budget, per token subject: `config: { rateLimit: writeBudget }` on every route
 * that changes something, so it is one budget across them all. Counted in preHandler, after
 * authentication, so a write is charged to who made it (to the IP for a request that has no
 * subject, which the write routes refuse anyway).
 */
export const writeBudget: RateLimitOptions = {
  max: (request) => request.server.config.RATE_LIMIT_WRITES,
  keyGenerator: (request) => `write:${request.principal?.sub ?? clientKey(request)}`
}

/** The budgets counted in Redis when REDIS_URL is set; a failing Redis is logged once per outage. */
function sharedBudgets (app: FastifyInstance): SharedBudgets | undefined {
  const window = app.redisWindow
  if (window === null) return undefined
  return {
    window,
    onFallback: (error) => app.log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'a Redis rate-limit count failed: budgets are counted per process until it answers')
  }
}

/**
 * @fastify/rate-limit's options. The global budget is the read budget: RATE_LIMIT_READS a
 * minute per client IP (IPv6 by /64), on every route that sets no budget of its own (the
 * write routes set `writeBudget`, the probes `rateLimit: false`). The third budget, failed
 * authentications per IP, is kept by the auth plugin. All three count in one store: with
 * REDIS_URL they are one for all replicas while Redis answers, and per process while not.
 * Answers carry the draft-spec RateLimit headers; a 429 is our problem+json with Retry-After.
 */
export function rateLimitOptions (app: FastifyInstance): RateLimitPluginOptions {
  return {
    max: app.config.RATE_LIMIT_READS,
    timeWindow: WINDOW_MS,
    hook: 'preHandler',
    keyGenerator: clientKey,
    enableDraftSpec: true,
    store: SharedCounterStore.sharing(sharedBudgets(app)),
    errorResponseBuilder: (_request, context) => rateLimitExceeded(Math.ceil(context.ttl / 1000))
  }
}
