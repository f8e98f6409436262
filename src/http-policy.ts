import type { FastifyCorsOptions } from '@fastify/cors'
import type { RateLimitPluginOptions } from '@fastify/rate-limit'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyRequest } from 'fastify'
import helmet from 'helmet'
import { type Config, corsOrigins, issuerSettings } from './config.js'
import { HttpProblem } from './lib/problem.js'
import { SnapshotLocalStore } from './lib/rate-limit-store.js'

const EXEMPT = new Set(['/health', '/ready'])
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const RATE_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']

function isWrite (request: FastifyRequest): boolean {
  return WRITE_METHODS.has(request.method)
}

export function rateLimitExceeded (after: string, retryAfterSeconds?: number): HttpProblem {
  return new HttpProblem(429, `Too many requests; retry in ${after}.`, {
    headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }
  })
}

/**
 * Two of the three budgets: reads per client IP and writes per token subject. Checked in
 * preHandler, after authentication, so a write is counted against who made it. The third,
 * failed authentications per IP, is kept by the auth plugin.
 */
export function rateLimitOptions (config: Config): RateLimitPluginOptions {
  return {
    global: true,
    hook: 'preHandler',
    timeWindow: 60_000,
    enableDraftSpec: true,
    store: SnapshotLocalStore as unknown as RateLimitPluginOptions['store'],
    max: (request) => (isWrite(request) ? config.RATE_LIMIT_WRITES : config.RATE_LIMIT_READS),
    keyGenerator: (request) => (isWrite(request) ? `write:${request.principal?.sub ?? request.ip}` : `read:${request.ip}`),
    allowList: (request) => EXEMPT.has(request.routeOptions.url ?? ''),
    errorResponseBuilder: (_request, context) => rateLimitExceeded(context.after)
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
