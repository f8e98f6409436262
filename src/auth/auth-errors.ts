import { HttpProblem } from '../http/problem.js'

const REALM = 'store-api'

// Header values must stay quotable: RFC 6750 forbids '"' and '\' in error_description.
function quotable (text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, ' ')
}

/** 401 with no error code: the request carried no bearer token (RFC 6750 section 3.1). */
export function missingToken (): HttpProblem {
  return new HttpProblem(401, 'A bearer token is required in the Authorization header.', {
    headers: { 'www-authenticate': `Bearer realm="${REALM}"` }
  })
}

/** 401 invalid_token: the token is malformed, expired, foreign or otherwise untrusted. */
export function invalidToken (description: string, cause?: unknown): HttpProblem {
  const text = quotable(description)
  return new HttpProblem(401, `Invalid token: ${text}`, {
    cause,
    headers: { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${text}"` }
  })
}

/** 403 insufficient_scope: a valid token that lacks the rights the route needs. */
export function insufficientScope (description: string, scope: string): HttpProblem {
  const text = quotable(description)
  return new HttpProblem(403, text, {
    headers: {
      'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", error_description="${text}", scope="${scope}"`
    }
  })
}

/**
 * The 401 for a token that `request.jwtVerify()` refused: our own problems (the header, the
 * signing key) as they are, and fast-jwt's refusals, as @fastify/jwt passes them on, named.
 */
export function refusedToken (error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error
  return invalidToken(describeRefusal(error), error)
}

function describeRefusal (error: unknown): string {
  // fast-jwt formats a refused date claim as an ISO date, which throws for one beyond a Date's range.
  if (error instanceof RangeError) return 'a date claim (exp or nbf) is out of range'
  const { code, message } = error as { code?: string; message?: string }
  if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED') return 'the token has expired'
  if (code === 'FAST_JWT_INACTIVE') return 'the token is not valid yet'
  const text = message ?? 'verification failed'
  return text.length > 200 ? `${text.slice(0, 200)}...` : text
}
