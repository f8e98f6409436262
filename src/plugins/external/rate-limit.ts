import { normalizeIP, type RateLimitOptions, type RateLimitPluginOptions } from '@fastify/rate-limit'
import type { FastifyRequest, preHandlerHookHandler, RouteOptions } from 'fastify'
import type { Config } from '../../config.js'
import { HttpProblem } from '../../lib/problem.js'
import { type SharedBudgets, SharedCounterStore } from './rate-limit-store.js'

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
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
 * The read budget, per client IP (IPv6 by /64, the plugin's own key), on every route without
 * a budget of its own; the probes opt out. It counts in the plugin's store, and answers with
 * the plugin's draft-spec headers and our 429, but as a callback hook of ours: the plugin's
 * hook costs every read three promises and a route-options object (measured in
 * bench/README.md, round six). While budgets are counted in this process it never leaves
 * the current tick. The store never calls back with an error: a failing Redis falls back to
 * counting here.
 */
export function readBudget (store: SharedCounterStore, max: number): preHandlerHookHandler {
  return function countRead (request, reply, done) {
    store.incr(clientKey(request), (_error, count) => {
      const { current, ttl } = count!
      const resetSeconds = Math.ceil(ttl / 1000)
      reply.header('ratelimit-limit', max).header('ratelimit-remaining', Math.max(0, max - current)).header('ratelimit-reset', resetSeconds)
      if (current <= max) done()
      else done(rateLimitExceeded(resetSeconds))
    }, WINDOW_MS)
  }
}

/** The write budget, per token subject (per IP for a request that has none). */
export function writeRateLimit (config: Config): RateLimitOptions {
  return {
    max: config.RATE_LIMIT_WRITES,
    keyGenerator: (request: FastifyRequest) => `write:${request.principal?.sub ?? request.ip}`
  }
}

/**
 * Gives every write route the write budget (kept by the plugin) and every other route the
 * read budget, unless the route sets its own (`rateLimit: false` for the probes). Checked in
 * preHandler, after authentication, so a write is counted against who made it.
 */
function assignBudgets (write: RateLimitOptions, read: preHandlerHookHandler): (route: RouteOptions) => void {
  return (route) => {
    // As the plugin reads it: null is no setting, false opts out.
    if (route.config?.rateLimit != null) return
    if ([route.method].flat().some((method) => WRITE_METHODS.has(method))) {
      route.config = { ...route.config, rateLimit: write }
    } else {
      route.preHandler = [...[route.preHandler ?? []].flat(), read]
    }
  }
}

export interface RateBudgets {
  /** An onRoute hook; added before the plugin, whose own onRoute hook reads the write budgets it sets. */
  assign: (route: RouteOptions) => void
  plugin: RateLimitPluginOptions
}

/**
 * The three budgets. Reads and writes are set here (`readBudget`, `writeRateLimit`); the
 * third, failed authentications per IP, is kept by the auth plugin. They share one store: with
 * `shared` (REDIS_URL) every budget is one for all replicas while Redis answers. The plugin's
 * max and window are plain numbers: a function there would cost every request an await.
 */
export function rateBudgets (config: Config, shared: SharedBudgets | undefined): RateBudgets {
  const Store = SharedCounterStore.sharing(shared)
  return {
    assign: assignBudgets(writeRateLimit(config), readBudget(new Store(), config.RATE_LIMIT_READS)),
    plugin: {
      global: false,
      hook: 'preHandler',
      timeWindow: WINDOW_MS,
      enableDraftSpec: true,
      store: Store,
      errorResponseBuilder: (_request, context) => rateLimitExceeded(Math.ceil(context.ttl / 1000))
    }
  }
}
