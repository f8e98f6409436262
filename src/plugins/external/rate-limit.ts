import type { RateLimitOptions, RateLimitPluginOptions } from '@fastify/rate-limit'
import type { FastifyRequest, RouteOptions } from 'fastify'
import type { Config } from '../../config.js'
import { HttpProblem } from '../../lib/problem.js'
import { type SharedBudgets, SharedCounterStore } from './rate-limit-store.js'

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export function rateLimitExceeded (after: string, retryAfterSeconds?: number): HttpProblem {
  return new HttpProblem(429, `Too many requests; retry in ${after}.`, {
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }
  })
}

/**
 * The read budget, per client IP, for every route; `writeRateLimit` replaces it on write
 * routes and the probes opt out. Checked in preHandler, after authentication, so a write is
 * counted against who made it. The budgets are plain numbers and the read key is the
 * plugin's own (IPv6 by /64): functions there would cost every request an await each.
 * The third budget, failed authentications per IP, is kept by the auth plugin. With `shared`
 * (REDIS_URL) every budget is one for all replicas while Redis answers.
 */
export function rateLimitOptions (config: Config, shared?: SharedBudgets): RateLimitPluginOptions {
  return {
    global: true,
    hook: 'preHandler',
    timeWindow: 60_000,
    enableDraftSpec: true,
    store: SharedCounterStore.sharing(shared),
    max: config.RATE_LIMIT_READS,
    errorResponseBuilder: (_request, context) => rateLimitExceeded(context.after)
  }
}

/** The write budget, per token subject (per IP for a request that has none). */
export function writeRateLimit (config: Config): RateLimitOptions {
  return {
    max: config.RATE_LIMIT_WRITES,
    keyGenerator: (request: FastifyRequest) => `write:${request.principal?.sub ?? request.ip}`
  }
}

/** Gives every write route the write budget, unless the route sets its own. */
export function assignWriteBudget (budget: RateLimitOptions): (route: RouteOptions) => void {
  return (route) => {
    if (route.config?.rateLimit !== undefined) return
    if ([route.method].flat().some((method) => WRITE_METHODS.has(method))) {
      route.config = { ...route.config, rateLimit: budget }
    }
  }
}
