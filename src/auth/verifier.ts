import { createDecoder, createVerifier as createJwtVerifier, TokenError } from 'fast-jwt'
import { HttpProblem } from '../lib/problem.js'
import { invalidToken, missingToken } from './auth-errors.js'
import type { KeyResolver } from './key-resolver.js'
import { type ClaimSettings, type Principal, principalFromClaims } from './principal.js'

export interface VerifierOptions {
  /** The configured issuer, with its trailing slash: the only iss accepted. */
  issuer: string
  /** The only aud accepted (an aud array must contain it). */
  audience: string
  /** Where signing keys come from: the configured issuer's JWKS, by kid. */
  keys: Pick<KeyResolver, 'resolve'>
  claims: ClaimSettings
  clockToleranceMs?: number
}

/** A token that passed every check, and who it speaks for. */
export interface VerifiedToken {
  principal: Principal
  token: string
}

/** Authorization header -> verified token; rejects with a 401 problem that names the reason. */
export type Verifier = (header: string | undefined) => Promise<VerifiedToken>

export const CLOCK_TOLERANCE_MS = 5000
// What a good header looks like, checked in one pass: the scheme, one space, a compact JWS.
const BEARER_JWS = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i
// RFC 6750 b64token, one space after the scheme; anything looser is a malformed header.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i
// Far above any Auth0 access token; stops oversized input before base64 or JSON parsing.
const MAX_TOKEN_LENGTH = 8192
// 9999-12-31T23:59:59Z: every store and every date format can hold an expiry up to here.
const MAX_EXP_SECONDS = 253_402_300_799
// Far more signing keys than an issuer publishes at once, rotations included.
const MAX_KEY_VERIFIERS = 16
// Stored and logged as text: PostgreSQL text cannot hold NUL, and no identifier needs a control character.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/

/** The compact JWS in a "Bearer <token>" header; else the problem that says what is wrong with it. */
export function tokenOf (header: string | undefined): string {
  if (header === undefined || header === '') throw missingToken()
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

function describeVerifyError (error: unknown): string {
  // fast-jwt formats a refused date claim as an ISO date, which throws for one beyond a Date's range.
  if (error instanceof RangeError) return 'a date claim (exp or nbf) is out of range'
  const { code, message } = error as { code?: string; message?: string }
  if (code === TokenError.codes.expired) return 'the token has expired'
  if (code === TokenError.codes.inactive) return 'the token is not valid yet'
  const text = message ?? 'verification failed'
  return text.length > 200 ? `${text.slice(0, 200)}...` : text
}

/** The claim checks fast-jwt does not make; throws the problem naming the first that fails. */
function checkClaims (claims: Record<string, unknown>, nowMs: number, toleranceMs: number): void {
  const { sub, exp, iat } = claims
  if (typeof sub !== 'string' || sub === '') throw invalidToken('the sub claim must be a non-empty string')
  if (CONTROL_CHARACTER.test(sub)) throw invalidToken('the sub claim contains a control character')
  if (typeof claims.jti === 'string' && CONTROL_CHARACTER.test(claims.jti)) throw invalidToken('the jti claim contains a control character')
  // fast-jwt has checked that exp is a number and not past.
  if (!((exp as number) <= MAX_EXP_SECONDS)) throw invalidToken('the exp claim is out of range')
  if (iat === undefined) return
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidToken('the iat claim must be a number')
  // A token from the future would also outlive a "log out everywhere" made before that time.
  if (iat * 1000 > nowMs + toleranceMs) throw invalidToken('the token was issued in the future (iat)')
  if ((exp as number) < iat) throw invalidToken('the token expires before it was issued (exp < iat)')
}

/**
 * Verifies Auth0 RS256 access tokens against the configured issuer and audience, with keys
 * only from that issuer's JWKS: nothing in the token (iss, alg, kid, jku, x5u, jwk) chooses
 * how it is checked. fast-jwt does the signature and the standard claims.
 */
export function createVerifier (options: VerifierOptions): Verifier {
  const { keys, claims: claimSettings } = options
  const toleranceMs = options.clockToleranceMs ?? CLOCK_TOLERANCE_MS
  const settings = {
    algorithms: ['RS256' as const],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: ['iss', 'sub', 'aud', 'exp'],
    clockTolerance: toleranceMs,
    // The token cache is the cache: fast-jwt's would hash every token on every request.
    cache: false
  }
  const decode = createDecoder({ complete: true })
  // One fast-jwt verifier per signing key, made with the key itself: given a key callback
  // instead, fast-jwt converts the PEM into a key object on every verification.
  const byKey = new Map<string, (token: string) => unknown>()
  function verifierFor (pem: string): (token: string) => unknown {
    let verifyWith = byKey.get(pem)
    if (verifyWith === undefined) {
      if (byKey.size >= MAX_KEY_VERIFIERS) byKey.clear()
      verifyWith = createJwtVerifier({ ...settings, key: pem })
      byKey.set(pem, verifyWith)
    }
    return verifyWith
  }

  // As fast-jwt does with a key callback: decode, fetch the key for the kid, then verify.
  async function verifyJwt (token: string): Promise<unknown> {
    const { header } = decode(token) as { header: { kid?: unknown } }
    let pem: string
    try {
      pem = await keys.resolve(header.kid)
    } catch (error) {
      throw TokenError.wrap(error as Error, TokenError.codes.keyFetchingError, 'Cannot fetch key.')
    }
    return verifierFor(pem)(token)
  }

  return async (header) => {
    const token = tokenOf(header)
    let claims: Record<string, unknown>
    try {
      claims = await verifyJwt(token) as Record<string, unknown>
    } catch (error) {
      const cause = (error as { originalError?: unknown }).originalError
      // The key resolver's own refusal says best why (unknown kid, issuer unreachable).
      if (cause instanceof HttpProblem) throw cause
      throw invalidToken(describeVerifyError(error), error)
    }
    checkClaims(claims, Date.now(), toleranceMs)
    return { principal: Object.freeze(principalFromClaims(claims, claimSettings, token)), token }
  }
}
