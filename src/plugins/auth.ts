import fastifyJwt from '@fastify/jwt'
import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import { type IssuerSettings, issuerSettings } from '../config.js'
import { insufficientScope, invalidToken, missingToken } from '../auth/auth-errors.js'
import { startDevIssuer } from '../auth/dev-issuer.js'
import { createKeyResolver, type KeyResolver } from '../auth/key-resolver.js'
import { createSeenRecorder } from '../services/users.js'
import { ADMIN_PERMISSION, type Principal, principalFromClaims } from '../auth/principal.js'
import { rateLimitExceeded } from './external/rate-limit.js'
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

// What a good header looks like, checked in one pass: the scheme, one space, a compact JWS.
const BEARER_JWS = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i
// RFC 6750 b64token, one space after the scheme; anything looser is a malformed header.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i
// Far above any Auth0 access token; stops oversized input before base64 or JSON parsing.
const MAX_TOKEN_LENGTH = 8192
const CLOCK_TOLERANCE_MS = 5000
// Half of Fastify's default plugin timeout (10 s), which the startup key fetch must not reach.
const WARM_UP_BUDGET_MS = 5000
// Verified tokens remembered, as many as fast-jwt's own cache holds (`cache: true`): a key
// dropped from the JWKS stops new tokens at once and remembered ones within VERIFIED_TTL_MS.
const VERIFIED_TOKENS = 1_000
const VERIFIED_TTL_MS = 600_000
// 32 base64url characters of signature: 192 bits, so two real tokens never share a slot by chance,
// and a forged token that copies them only misses (the whole header must match).
const LOOKUP_SUFFIX = 32

interface Verified {
  principal: Principal
  /** The exact Authorization header the token came in. */
  header: string
  /** The bearer token itself, for calls made on the caller's behalf. */
  token: string
  /** The revocation generation this token was last found not revoked in; -1 before any check. */
  notRevokedIn: number
}

/** The compact JWS in a "Bearer <token>" header; else the problem that says what is wrong with it. */
function tokenOf (header: string): string {
  const jws = header.length <= MAX_TOKEN_LENGTH + 'Bearer '.length ? BEARER_JWS.exec(header)?.[1] : undefined
  if (jws !== undefined) return jws
  // Only refused headers get this far: a second look, to name the reason.
  const token = BEARER.exec(header)?.[1]
  if (token === undefined) {
    if (/^bearer\b/i.test(header)) throw invalidToken('the Authorization header is not "Bearer <token>"')
    throw missingToken()
  }
  if (token.length > MAX_TOKEN_LENGTH) throw invalidToken('the token is too large')
  throw invalidToken('the token is not a signed JWT')
}

/**
 * The startup fetch of the signing keys, given up on (not cancelled) after `budgetMs`: a listing
 * and a key fetch each have the JWKS timeout, and together they must stay well inside
 * Fastify's 10 s plugin timeout, or a slow issuer would stop the boot.
 */
async function warmUpWithin (keys: KeyResolver, budgetMs: number): Promise<void> {
  const warming = keys.warmUp()
  warming.catch(() => {})
  let timer: NodeJS.Timeout | undefined
  const giveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${budgetMs} ms`)), budgetMs)
  })
  try {
    await Promise.race([warming, giveUp])
  } finally {
    clearTimeout(timer)
  }
}

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
    // The keys are in hand before the first request: a burst at startup would otherwise queue
    // behind one JWKS fetch, and that many requests alive at once slow the process for good
    // (see the README's Performance section). An issuer that cannot be reached does not stop
    // the boot: keys are then fetched on demand, and /ready says so.
    await warmUpWithin(keys, WARM_UP_BUDGET_MS).catch((error: unknown) => {
      fastify.log.warn({ err: error, issuer: pinned.issuer }, 'the issuer\'s signing keys could not be fetched at startup; they will be fetched on demand')
    })
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
        // `verified` below is the cache: fast-jwt's would hash every token on every request.
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
      // The plugin's own IP key (an IPv6 client counts by /64), so that rotating addresses
      // within one network neither dodges this budget nor floods the shared counters.
      keyGenerator: (request) => `auth-failure:${normalizeIP(request.ip)}`
    })

    // Tokens verified lately, until the token expires or VERIFIED_TTL_MS passes. Each remembers
    // the revocation generation it was last found not revoked in, so a repeat request skips the
    // revocation lookup until a revocation is written. Hashing a whole token as a Map key costs
    // about 1 µs (V8 hashes every character), so entries are found by the header's last
    // characters (the signature's) and then must match the whole header exactly.
    const verified = new LRUCache<string, Verified>({ max: VERIFIED_TOKENS, ttl: VERIFIED_TTL_MS })
    const slotOf = (header: string): string => header.slice(-LOOKUP_SUFFIX)
    const lookUp = (header: string): Verified | undefined => {
      const entry = verified.get(slotOf(header))
      return entry?.header === header ? entry : undefined
    }

    // A callback hook with a synchronous path for a token seen before: most requests carry one,
    // and an async hook would cost each of them promises and event-loop turns.
    function authenticate (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const header = request.headers.authorization
      const known = header === undefined ? undefined : lookUp(header)
      if (known !== undefined && known.notRevokedIn === revocations.generation()) {
        admit(request, known)
        done()
        return
      }
      authenticateSlowly(request, header, known).then(() => done(), done)
    }

    function admit (request: FastifyRequest, entry: Verified): void {
      request.principal = entry.principal
      request.accessToken = entry.token
      seen.record(entry.principal, request.log)
    }

    async function authenticateSlowly (request: FastifyRequest, header: string | undefined, known: Verified | undefined): Promise<void> {
      try {
        admit(request, await checkBearer(request, header, known))
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

    async function checkBearer (request: FastifyRequest, header: string | undefined, known: Verified | undefined): Promise<Verified> {
      if (header === undefined || header === '') throw missingToken()
      const entry = known ?? await verifyHeader(request, header)
      const generation = revocations.generation()
      const { principal } = entry
      if (await revocations.isRevoked(principal.sub, principal.tokenId, principal.iat)) {
        throw invalidToken('token revoked')
      }
      entry.notRevokedIn = generation
      return entry
    }

    async function verifyHeader (request: FastifyRequest, header: string): Promise<Verified> {
      const token = tokenOf(header)
      let claims: Record<string, unknown>
      try {
        claims = await request.jwtVerify<Record<string, unknown>>()
      } catch (error) {
        if (error instanceof HttpProblem) throw error
        throw invalidToken(describeVerifyError(error), error)
      }
      if (typeof claims.sub !== 'string' || claims.sub === '') throw invalidToken('the sub claim must be a non-empty string')
      const entry: Verified = { principal: Object.freeze(principalFromClaims(claims, claimSettings, token)), header, token, notRevokedIn: -1 }
      const remaining = entry.principal.exp * 1000 + CLOCK_TOLERANCE_MS - Date.now()
      if (remaining > 0) verified.set(slotOf(header), entry, { ttl: Math.min(remaining, VERIFIED_TTL_MS) })
      return entry
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
  { name: 'auth', dependencies: ['config', 'store', '@fastify/rate-limit'] }
)
