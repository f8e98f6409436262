import fastifyJwt from '@fastify/jwt'
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import { type IssuerSettings, issuerSettings } from '../config.js'
import { insufficientScope, invalidToken, missingToken } from '../auth/auth-errors.js'
import { startDevIssuer } from '../auth/dev-issuer.js'
import { createKeyResolver } from '../auth/key-resolver.js'
import { createSeenRecorder } from '../auth/seen-recorder.js'
import { ADMIN_PERMISSION, type Principal, principalFromClaims } from '../auth/principal.js'
import { rateLimitExceeded } from '../http-policy.js'
import { HttpProblem } from '../lib/problem.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: 401 unless a valid bearer token is presented; sets request.principal. */
    authenticate: onRequestAsyncHookHandler
    /** onRequest hook: authenticate, then 403 unless the principal is an admin. */
    requireAdmin: onRequestAsyncHookHandler
    /** The issuer and audience tokens are checked against (the development issuer's when it runs). */
    issuer: IssuerSettings
    /** Whether the issuer's signing keys can be had, for the readiness probe. */
    signingKeysStatus: () => Promise<'ok' | 'stale' | 'unavailable'>
  }
  interface FastifyRequest {
    principal: Principal | null
    /** The verified bearer token, for calls made on the caller's behalf (userinfo). */
    accessToken: string | null
  }
}

// RFC 6750 b64token, one space after the scheme; anything looser is a malformed header.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
// Far above any Auth0 access token; stops oversized input before base64 or JSON parsing.
const MAX_TOKEN_LENGTH = 8192
const CLOCK_TOLERANCE_MS = 5000
// Verified tokens remembered, as many as fast-jwt's own cache holds (`cache: true`): a key
// dropped from the JWKS stops new tokens at once and remembered ones within VERIFIED_TTL_MS.
const VERIFIED_TOKENS = 1_000
const VERIFIED_TTL_MS = 600_000

function describeVerifyError (error: unknown): string {
  const { code, message } = error as { code?: string; message?: string }
  if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED' || code === 'FAST_JWT_EXPIRED') return 'the token has expired'
  if (code === 'FAST_JWT_INACTIVE') return 'the token is not valid yet'
  const text = (message ?? 'verification failed').replace(/^Authorization token is invalid: /, '')
  return text.length > 200 ? `${text.slice(0, 200)}...` : text
}

/**
 * Verifies Auth0 RS256 access tokens against the configured issuer's JWKS. Where keys
 * come from is pinned by configuration; nothing in the token (iss, kid, jku, x5u, jwk)
 * chooses it. Outside production with no issuer configured, starts the development issuer.
 */
export default fp(
  async function authPlugin (fastify) {
    const { config } = fastify
    let issuer = issuerSettings(config)
    if (!issuer) {
      const dev = await startDevIssuer({
        statePath: config.DEV_ISSUER_STATE,
        port: config.DEV_ISSUER_PORT ?? (config.PORT === 0 ? 0 : config.PORT + 1),
        audience: config.AUTH0_AUDIENCE ?? 'store-api-dev',
        roleClaim: config.AUTH0_ROLE_CLAIM
      })
      fastify.addHook('onClose', () => dev.close())
      fastify.log.warn(
        { issuer: dev.issuer, audience: dev.audience, state: config.DEV_ISSUER_STATE },
        'DEVELOPMENT ISSUER IS ON: no AUTH0_DOMAIN or AUTH0_ISSUER_BASE_URL is set, so tokens from `npm run token` are accepted. Never use this in production.'
      )
      issuer = { issuer: dev.issuer, audience: dev.audience }
    }
    const pinned = issuer
    fastify.decorate('issuer', pinned)

    const keys = createKeyResolver({
      issuer: pinned.issuer,
      timeoutMs: config.JWKS_TIMEOUT_MS,
      cooldownMs: config.JWKS_COOLDOWN_SECONDS * 1000
    })
    fastify.addHook('onClose', () => keys.close())
    fastify.decorate('signingKeysStatus', () => keys.status())

    await fastify.register(fastifyJwt, {
      secret: (_request: FastifyRequest, token: unknown) =>
        keys.resolve((token as { header?: { kid?: unknown } }).header?.kid),
      decode: { complete: true },
      verify: {
        algorithms: ['RS256'],
        allowedIss: pinned.issuer,
        allowedAud: pinned.audience,
        requiredClaims: ['iss', 'sub', 'aud', 'exp'],
        clockTolerance: CLOCK_TOLERANCE_MS,
        // The principals below are the cache: fast-jwt's would hash every token on every request.
        cache: false
      }
    })

    const { revocations } = fastify.store
    const seen = createSeenRecorder(fastify.store.users)
    const claimSettings = { roleClaim: config.AUTH0_ROLE_CLAIM, adminRole: config.AUTH0_ADMIN_ROLE }
    fastify.decorateRequest('principal', null)
    fastify.decorateRequest('accessToken', null)

    // The third rate budget: failed authentications per client IP. Only failures count, so
    // an attacker guessing tokens behind a shared IP does not lock out users who have one.
    const authFailures = fastify.createRateLimit({
      max: config.RATE_LIMIT_AUTH_FAILURES,
      timeWindow: 60_000,
      keyGenerator: (request) => `auth-failure:${request.ip}`
    })

    async function authenticate (request: FastifyRequest): Promise<void> {
      try {
        await verifyBearer(request)
      } catch (error) {
        if (error instanceof HttpProblem && error.statusCode === 401) {
          const limit = await authFailures(request)
          if (!limit.isAllowed && limit.isExceeded) {
            throw rateLimitExceeded(`${limit.ttlInSeconds} seconds`, limit.ttlInSeconds)
          }
        }
        throw error
      }
    }

    // The principal of each token verified lately, keyed by the exact token text, until the token
    // expires or VERIFIED_TTL_MS passes; the revocation check still runs on every request.
    const verified = new LRUCache<string, Principal>({ max: VERIFIED_TOKENS, ttl: VERIFIED_TTL_MS })

    async function verifyBearer (request: FastifyRequest): Promise<void> {
      const header = request.headers.authorization
      if (header === undefined || header === '') throw missingToken()
      const match = BEARER.exec(header)
      if (!match?.[1]) {
        if (/^bearer\b/i.test(header)) throw invalidToken('the Authorization header is not "Bearer <token>"')
        throw missingToken()
      }
      const token = match[1]
      const principal = verified.get(token) ?? await verifyToken(request, token)
      if (await revocations.isRevoked(principal.tokenId, principal.sub, principal.iat)) {
        throw invalidToken('token revoked')
      }
      request.principal = principal
      request.accessToken = token
      seen.record(principal, request.log)
    }

    async function verifyToken (request: FastifyRequest, token: string): Promise<Principal> {
      if (token.length > MAX_TOKEN_LENGTH) throw invalidToken('the token is too large')
      if (!COMPACT_JWS.test(token)) throw invalidToken('the token is not a signed JWT')
      let claims: Record<string, unknown>
      try {
        claims = await request.jwtVerify<Record<string, unknown>>()
      } catch (error) {
        if (error instanceof HttpProblem) throw error
        throw invalidToken(describeVerifyError(error), error)
      }
      if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidToken('the sub claim must be a non-empty string')
      const principal = Object.freeze(principalFromClaims(claims, claimSettings, token))
      const remaining = principal.exp * 1000 + CLOCK_TOLERANCE_MS - Date.now()
      if (remaining > 0) verified.set(token, principal, { ttl: Math.min(remaining, VERIFIED_TTL_MS) })
      return principal
    }

    fastify.decorate('authenticate', authenticate)
    fastify.decorate('requireAdmin', async function requireAdmin (request: FastifyRequest) {
      await authenticate(request)
      if (!request.principal?.isAdmin) {
        throw insufficientScope(
          `admin rights required: the ${config.AUTH0_ADMIN_ROLE} role or the ${ADMIN_PERMISSION} permission`,
          ADMIN_PERMISSION
        )
      }
    })
  },
  { name: 'auth', dependencies: ['config', 'database', '@fastify/rate-limit'] }
)
