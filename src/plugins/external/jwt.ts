import type { FastifyJWTOptions, TokenOrHeader } from '@fastify/jwt'
import type { FastifyRequest } from 'fastify'
import type { AccessTokenClaims } from '../../auth/access-claims.js'
import { REQUIRED_CLAIMS } from '../../auth/access-claims.js'
import { bearerToken } from '../../auth/bearer-token.js'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessTokenClaims
    /**
     * The claims of a token verified on this request. Authorization reads `request.principal`
     * (src/plugins/app/auth.ts), set on every authenticated request, cached token or not.
     */
    user: AccessTokenClaims
  }
}

export interface JwtSettings {
  /** The configured issuer, with its trailing slash: the only iss accepted. */
  issuer: string
  /** The only aud accepted (an aud array must contain it). */
  audience: string
  clockToleranceMs: number
  /** The PEM key for a token's kid, from the configured issuer's JWKS (src/auth/signing-keys.ts). */
  keyFor: (kid: unknown) => Promise<string>
}

/** The kid in the header of a token as @fastify/jwt's decoder (`complete: true`) hands it over. */
function kidOf (token: TokenOrHeader): unknown {
  return (token as { header?: { kid?: unknown } } | null)?.header?.kid
}

/**
 * @fastify/jwt in verify-only mode for Auth0 access tokens: RS256 only, the configured
 * issuer and audience only, and the key chosen by the token's kid among the configured
 * issuer's keys only; nothing else in the token (iss, alg, jku, x5u, jwk) decides how it is
 * checked. The token comes from the Authorization header only.
 */
export function jwtOptions (settings: JwtSettings): FastifyJWTOptions {
  const signingKey = (_request: FastifyRequest, token: TokenOrHeader): Promise<string> => settings.keyFor(kidOf(token))
  return {
    // Only a public key: this API never signs.
    secret: { public: signingKey },
    decode: { complete: true },
    verify: {
      algorithms: ['RS256'],
      allowedIss: settings.issuer,
      allowedAud: settings.audience,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: settings.clockToleranceMs,
      // The verified-token cache (src/auth/token-cache.ts) is the cache: fast-jwt's would hash every token on every request.
      cache: false,
      extractToken: (request) => bearerToken(request.headers.authorization)
    },
    // fast-jwt's own words, which name the claim or the check that failed.
    messages: { authorizationTokenInvalid: (error) => error.message }
  }
}
