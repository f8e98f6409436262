import type { FastifyCorsOptions } from '@fastify/cors'
import type { RateLimitOptions, RateLimitPluginOptions } from '@fastify/rate-limit'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyRequest, RouteOptions } from 'fastify'
import helmet from 'helmet'
import { type Config, corsOrigins, issuerSettings } from './config.js'
import { HttpProblem } from './lib/problem.js'
import { SharedLocalStore } from './lib/rate-limit-store.js'

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const RATE_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']

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
 * The third budget, failed authentications per IP, is kept by the auth plugin.
 */
export function rateLimitOptions (config: Config): RateLimitPluginOptions {
  return {
    global: true,
    hook: 'preHandler',
    timeWindow: 60_000,
    enableDraftSpec: true,
    store: SharedLocalStore as unknown as RateLimitPluginOptions['store'],
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

export function corsOptions (config: Config): FastifyCorsOptions {
  return {
    origin: corsOrigins(config),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id'],
    exposedHeaders: ['ETag', 'Location', 'X-Request-Id', 'Idempotent-Replayed', ...RATE_HEADERS],
    // Bearer tokens, never cookies: credentials stay off.
    credentials: false,
    maxAge: 600
  }
}

/**
 * The security headers every response carries, worked out once by helmet itself: its
 * middleware writes the same headers for every request, so running it per request (as
 * @fastify/helmet does) only costs time. A JSON API needs what OWASP's REST cheat sheet
 * lists: no content may run or be framed, no MIME sniffing, HTTPS only. Helmet's other
 * headers (COOP, CORP, Origin-Agent-Cluster, Referrer-Policy, X-DNS-Prefetch-Control,
 * X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection) govern HTML
 * documents; on JSON they only cost every response bytes and time.
 */
export function securityHeaders (): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: string) => { headers[name.toLowerCase()] = value },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()] }
  }
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] } },
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false
  })({} as IncomingMessage, response as unknown as ServerResponse, () => {})
  return headers
}

/**
 * The policy Swagger UI runs under at /docs: its own scripts and styles (React sets inline
 * styles), and, when Auth0 sign-in is on, the issuer for the token exchange.
 */
export function docsContentSecurityPolicy (config: Config): string {
  const issuer = issuerSettings(config)
  const auth0 = issuer && config.AUTH0_CLIENT_ID ? ` ${new URL(issuer.issuer).origin}` : ''
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self'${auth0}`,
    `form-action 'self'${auth0}`
  ].join('; ')
}
