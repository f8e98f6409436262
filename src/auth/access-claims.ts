import { invalidToken } from './auth-errors.js'

/** The claims of a verified access token, as @fastify/jwt hands them over. */
export type AccessTokenClaims = Record<string, unknown> & { sub: string; exp: number }

/** The tolerance on exp, nbf and iat, in ms. */
export const CLOCK_TOLERANCE_MS = 5000
/** The claims fast-jwt must find before a token is accepted. */
export const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp']
// 9999-12-31T23:59:59Z: every store and every date format can hold an expiry up to here.
const MAX_EXP_SECONDS = 253_402_300_799
// Stored and logged as text: PostgreSQL text cannot hold NUL, and no identifier needs a control character.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/

/**
 * The claim checks fast-jwt does not make, on a token whose signature, iss, aud, exp and nbf
 * it has checked; throws the invalid_token problem naming the first that fails.
 */
export function checkClaims (claims: Record<string, unknown>, nowMs: number, toleranceMs: number): AccessTokenClaims {
  const { sub, exp, iat } = claims
  if (typeof sub !== 'string' || sub === '') throw invalidToken('the sub claim must be a non-empty string')
  if (CONTROL_CHARACTER.test(sub)) throw invalidToken('the sub claim contains a control character')
  if (typeof claims.jti === 'string' && CONTROL_CHARACTER.test(claims.jti)) throw invalidToken('the jti claim contains a control character')
  // fast-jwt has checked that exp is a number and not past.
  if (!((exp as number) <= MAX_EXP_SECONDS)) throw invalidToken('the exp claim is out of range')
  if (iat !== undefined) {
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalidToken('the iat claim must be a number')
    // A token from the future would also outlive a "log out everywhere" made before that time.
    if (iat * 1000 > nowMs + toleranceMs) throw invalidToken('the token was issued in the future (iat)')
    if ((exp as number) < iat) throw invalidToken('the token expires before it was issued (exp < iat)')
  }
  return claims as AccessTokenClaims
}
