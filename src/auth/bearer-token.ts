import { invalidToken, missingToken } from './auth-errors.js'

// What a good header looks like, checked in one pass: the scheme, one space, a compact JWS.
const BEARER_JWS = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i
// RFC 6750 b64token, one space after the scheme; anything looser is a malformed header.
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i
// Far above any Auth0 access token; stops oversized input before base64 or JSON parsing.
const MAX_TOKEN_LENGTH = 8192

/**
 * The compact JWS in a "Bearer <token>" Authorization header; else the problem that says what
 * is wrong with it. Tokens are read from this header only: no cookie, no query parameter.
 */
export function bearerToken (header: string | undefined): string {
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
