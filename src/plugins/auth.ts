import type { FastifyBaseLogger, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { type IssuerSettings, issuerSettings } from '../config.js'
import { insufficientScope, invalidToken } from '../auth/auth-errors.js'
import { createKeyResolver, warmUpWithin } from '../auth/key-resolver.js'
import { ADMIN_PERMISSION, type Principal } from '../auth/principal.js'
import { type CachedToken, createTokenCache } from '../auth/token-cache.js'
import { CLOCK_TOLERANCE_MS, createVerifier } from '../auth/verifier.js'
import { clientKey, rateLimitExceeded } from './external/rate-limit.js'
import { HttpProblem } from '../lib/problem.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: 401 unless a valid bearer token is presented; sets request.principal. */
    authenticate: onRequestHookHandler
    /** onRequest hook: authenticate, then 403 unless the principal is an admin. */
    requireAdmin: onRequestHookHandler
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

export interface AuthOptions {
  /** Called on every authenticated request, synchronously; must not throw or wait. */
  /** Runs on every admitted request; a promise it returns is waited for before the request goes on. */
  onAuthenticated?: (principal: Principal, log: FastifyBaseLogger) => Promise<void> | undefined
}

// Half of Fastify's default plugin timeout (10 s), which the startup key fetch must not reach.
const WARM_UP_BUDGET_MS = 5000

/**
 * Decorates authenticate and requireAdmin: the bearer token checked by the verifier
 * (src/auth/verifier.ts), remembered in the token cache, then checked against revocations;
 * failed authentications spend a per-IP budget.
 */
export default fp<AuthOptions>(
  async function authPlugin (fastify, options) {
    const { config } = fastify
    const pinned = issuerSettings(config) ?? fastify.devIssuer
    if (!pinned) throw new Error('no issuer: set AUTH0_DOMAIN (or AUTH0_ISSUER_BASE_URL) and AUTH0_AUDIENCE')
    fastify.decorate('issuer', pinned)

    const keys = createKeyResolver({
      issuer: pinned.issuer,
      timeoutMs: config.JWKS_TIMEOUT_MS,
      cooldownMs: config.JWKS_COOLDOWN_SECONDS * 1000
    })
    fastify.addHook('onClose', () => keys.close())
    // The keys are in hand before the first request: a burst at startup would otherwise queue
    // behind one JWKS fetch (see the README's Performance section). An issuer that cannot be
    // reached does not stop the boot: keys are then fetched on demand, and /ready says so.
    await warmUpWithin(keys, WARM_UP_BUDGET_MS).catch((error: unknown) => {
      fastify.log.warn({ err: error, issuer: pinned.issuer }, 'the issuer\'s signing keys could not be fetched at startup; they will be fetched on demand')
    })
    fastify.decorate('signingKeysStatus', () => keys.status())

    const verify = createVerifier({
      ...pinned,
      keys,
      claims: { roleClaim: config.AUTH0_ROLE_CLAIM, adminRole: config.AUTH0_ADMIN_ROLE },
      clockToleranceMs: CLOCK_TOLERANCE_MS
    })
    const verified = createTokenCache({ clockToleranceMs: CLOCK_TOLERANCE_MS })
    const { revocations } = fastify.store
    const onAuthenticated = options.onAuthenticated ?? (() => undefined)
    fastify.decorateRequest('principal', null)
    fastify.decorateRequest('accessToken', null)

    // The third rate budget: failed authentications per client IP. Only failures count, so
    // an attacker guessing tokens behind a shared IP does not lock out users who have one.
    const authFailures = fastify.createRateLimit({
      max: config.RATE_LIMIT_AUTH_FAILURES,
      timeWindow: 60_000,
      // The plugin's own IP key (an IPv6 client counts by /64), so that rotating addresses
      // within one network neither dodges this budget nor floods the shared counters.
      keyGenerator: (request) => `auth-failure:${clientKey(request)}`
    })

    function admit (request: FastifyRequest, entry: CachedToken): Promise<void> | undefined {
      request.principal = entry.principal
      request.accessToken = entry.token
      return onAuthenticated(entry.principal, request.log)
    }

    async function notRevoked (entry: CachedToken): Promise<CachedToken> {
      const generation = revocations.generation()
      const { principal } = entry
      if (await revocations.isRevoked(principal.sub, principal.tokenId, principal.iat)) throw invalidToken('token revoked')
      entry.notRevokedIn = generation
      return entry
    }

    async function authenticateSlowly (request: FastifyRequest, header: string | undefined, known: CachedToken | undefined): Promise<void> {
      try {
        const entry = known ?? verified.remember(header!, await verify(header))
        await admit(request, await notRevoked(entry))
      } catch (error) {
        if (error instanceof HttpProblem && error.statusCode === 401) {
          const limit = await authFailures(request)
          if (!limit.isAllowed && limit.isExceeded) throw rateLimitExceeded(limit.ttlInSeconds)
        }
        throw error
      }
    }

    // A callback hook with a synchronous path for a token seen before: most requests carry one,
    // and an async hook would cost each of them promises and event-loop turns.
    function authenticate (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const header = request.headers.authorization
      const known = header === undefined ? undefined : verified.get(header)
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
