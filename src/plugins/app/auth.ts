import fastifyJwt from '@fastify/jwt'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { type IssuerSettings, issuerSettings } from '../../config.js'
import { checkClaims, CLOCK_TOLERANCE_MS } from '../../auth/access-claims.js'
import { insufficientScope, invalidToken, refusedToken } from '../../auth/auth-errors.js'
import { bearerToken } from '../../auth/bearer-token.js'
import { ADMIN_PERMISSION, type ClaimSettings, type Principal, principalFromClaims } from '../../auth/principal.js'
import { createSigningKeys, type SigningKeysStatus, warmUpWithin } from '../../auth/signing-keys.js'
import { type CachedToken, createTokenCache } from '../../auth/token-cache.js'
import { jwtOptions } from '../external/jwt.js'
import { clientKey, rateLimitExceeded } from '../external/rate-limit.js'
import { HttpProblem } from '../../http/problem.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: 401 unless a valid bearer token is presented; sets request.principal. */
    authenticate: onRequestHookHandler
    /** onRequest hook: authenticate, then 403 unless the principal is an admin. */
    requireAdmin: onRequestHookHandler
    /**
     * Spends one of the client's failed authentications (per IP, shared by every route that
     * takes a bearer token); resolves to what to answer: the 429 once the budget is spent,
     * else the refusal itself.
     */
    failedAuthentication: (request: FastifyRequest, refusal: HttpProblem) => Promise<HttpProblem>
    /** The issuer and audience tokens are checked against (the development issuer's when it runs). */
    issuer: IssuerSettings
    /** Whether the issuer's signing keys can be had, for the readiness probe. */
    signingKeysStatus: () => Promise<SigningKeysStatus>
  }
  interface FastifyRequest {
    principal: Principal | null
    /** The verified bearer token, for calls made on the caller's behalf (userinfo). */
    accessToken: string | null
  }
}

export interface AuthOptions {
  /** Runs on every admitted request; a promise it returns is waited for before the request goes on. */
  onAuthenticated?: (principal: Principal, log: FastifyBaseLogger) => Promise<void> | undefined
}

// Half of Fastify's default plugin timeout (10 s), which the startup key fetch must not reach.
const WARM_UP_BUDGET_MS = 5000

/**
 * @fastify/jwt, verifying with the pinned issuer's signing keys (src/auth/signing-keys.ts).
 * The keys are in hand before the first request: a burst at startup would otherwise queue
 * behind one JWKS fetch. An issuer that cannot be reached does not stop the boot: keys are
 * then fetched on demand, and /ready says so.
 */
async function registerJwt (fastify: FastifyInstance, pinned: IssuerSettings): Promise<void> {
  const { config } = fastify
  const signingKeys = createSigningKeys({
    issuer: pinned.issuer,
    timeoutMs: config.JWKS_TIMEOUT_MS,
    cooldownMs: config.JWKS_COOLDOWN_SECONDS * 1000
  })
  fastify.addHook('onClose', () => signingKeys.close())
  await warmUpWithin(signingKeys, WARM_UP_BUDGET_MS).catch((error: unknown) => {
    fastify.log.warn({ err: error, issuer: pinned.issuer }, 'the issuer\'s signing keys could not be fetched at startup; they will be fetched on demand')
  })
  fastify.decorate('signingKeysStatus', () => signingKeys.status())
  await fastify.register(fastifyJwt, jwtOptions({ ...pinned, clockToleranceMs: CLOCK_TOLERANCE_MS, keyFor: (kid) => signingKeys.keyFor(kid) }))
}

/**
 * The third rate budget: failed authentications per client IP. Only failures count, so an
 * attacker guessing tokens behind a shared IP does not lock out users who have one.
 */
function failedAuthenticationBudget (fastify: FastifyInstance): FastifyInstance['failedAuthentication'] {
  const authFailures = fastify.createRateLimit({
    max: fastify.config.RATE_LIMIT_AUTH_FAILURES,
    timeWindow: 60_000,
    // The plugin's own IP key (an IPv6 client counts by /64), so that rotating addresses
    // within one network neither dodges this budget nor floods the shared counters.
    keyGenerator: (request) => `auth-failure:${clientKey(request)}`
  })
  return async function failedAuthentication (request, refusal) {
    const limit = await authFailures(request)
    return !limit.isAllowed && limit.isExceeded ? rateLimitExceeded(limit.ttlInSeconds) : refusal
  }
}

/** The token from the Authorization header, verified by @fastify/jwt, and who it speaks for. */
async function verifiedToken (request: FastifyRequest, claimSettings: ClaimSettings): Promise<{ principal: Principal; token: string }> {
  let claims: Record<string, unknown>
  try {
    claims = await request.jwtVerify()
  } catch (error) {
    throw refusedToken(error)
  }
  const token = bearerToken(request.headers.authorization)
  const principal = principalFromClaims(checkClaims(claims, Date.now(), CLOCK_TOLERANCE_MS), claimSettings, token)
  return { principal: Object.freeze(principal), token }
}

/**
 * A token from header to principal: `authenticate` finds the header in the token cache, or
 * `verifiedToken` has @fastify/jwt verify it (`request.jwtVerify()`: the bearer token, its
 * kid's key from get-jwks through src/auth/signing-keys.ts, RS256, iss, aud, dates), checks
 * the claims fast-jwt does not, and builds the principal; then `notRevoked` checks it against
 * revocations and `admit` sets it on the request. Every 401 spends the failed-authentication budget.
 */
export default fp<AuthOptions>(
  async function authPlugin (fastify, options) {
    const { config } = fastify
    const pinned = issuerSettings(config) ?? fastify.devIssuer
    if (!pinned) throw new Error('no issuer: set AUTH0_DOMAIN (or AUTH0_ISSUER_BASE_URL) and AUTH0_AUDIENCE')
    fastify.decorate('issuer', pinned)
    await registerJwt(fastify, pinned)
    const failedAuthentication = failedAuthenticationBudget(fastify)
    fastify.decorate('failedAuthentication', failedAuthentication)

    const claimSettings = { roleClaim: config.AUTH0_ROLE_CLAIM, adminRole: config.AUTH0_ADMIN_ROLE }
    const tokenCache = createTokenCache({ clockToleranceMs: CLOCK_TOLERANCE_MS })
    const { revocations } = fastify.store
    const onAuthenticated = options.onAuthenticated ?? (() => undefined)
    fastify.decorateRequest('principal', null)
    fastify.decorateRequest('accessToken', null)

    async function notRevoked (entry: CachedToken): Promise<CachedToken> {
      const generation = revocations.generation()
      const { principal } = entry
      if (await revocations.isRevoked(principal.sub, principal.tokenId, principal.iat)) throw invalidToken('token revoked')
      entry.notRevokedIn = generation
      return entry
    }

    function admit (request: FastifyRequest, entry: CachedToken): Promise<void> | undefined {
      request.principal = entry.principal
      request.accessToken = entry.token
      return onAuthenticated(entry.principal, request.log)
    }

    async function authenticateSlowly (request: FastifyRequest, header: string | undefined, known: CachedToken | undefined): Promise<void> {
      try {
        const entry = known ?? tokenCache.remember(header!, await verifiedToken(request, claimSettings))
        await admit(request, await notRevoked(entry))
      } catch (error) {
        if (error instanceof HttpProblem && error.statusCode === 401) throw await failedAuthentication(request, error)
        throw error
      }
    }

    // A callback hook with a synchronous path for a token seen before: most requests carry one,
    // and an async hook would cost each of them promises and event-loop turns.
    function authenticate (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const header = request.headers.authorization
      const known = header === undefined ? undefined : tokenCache.get(header)
      if (known !== undefined && known.notRevokedIn === revocations.generation()) {
        const recording = admit(request, known)
        if (recording === undefined) done()
        else recording.then(() => done(), done)
        return
      }
      authenticateSlowly(request, header, known).then(() => done(), done)
    }

    fastify.decorate('authenticate', authenticate)
    const notAdmin = `admin rights required: the ${config.AUTH0_ADMIN_ROLE} role or the ${ADMIN_PERMISSION} permission`
    fastify.decorate('requireAdmin', function requireAdmin (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
      authenticate(request, reply, (error?: Error) => {
        if (error) done(error)
        else if (!request.principal?.isAdmin) done(insufficientScope(notAdmin, ADMIN_PERMISSION))
        else done()
      })
    })
  },
  { name: 'auth', dependencies: ['config', 'store', 'dev-issuer', '@fastify/rate-limit'] }
)
