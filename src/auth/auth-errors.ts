import { HttpProblem } from '../lib/problem.js'

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
