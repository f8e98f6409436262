import { createHash } from 'node:crypto'

export const ADMIN_PERMISSION = 'write:products'

/** Who is calling, as the verified access token says. Authorization reads only this. */
export interface Principal {
  sub: string
  roles: string[]
  permissions: string[]
  isAdmin: boolean
  /** Seconds since the epoch, from the token. */
  exp: number
  iat: number | null
  /** What logout revokes: the jti, or a hash of the whole token when it has none. */
  tokenId: string
}

export interface ClaimSettings {
  roleClaim: string
  adminRole: string
}

function stringList (value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string')
  return []
}

/** Builds the principal from a verified payload; the claim may be a string or an array. */
export function principalFromClaims (claims: Record<string, unknown>, settings: ClaimSettings, token: string): Principal {
  const roles = stringList(claims[settings.roleClaim])
  const permissions = stringList(claims.permissions)
  return {
    sub: String(claims.sub),
    roles,
    permissions,
    isAdmin: roles.includes(settings.adminRole) || permissions.includes(ADMIN_PERMISSION),
    exp: Number(claims.exp),
    // Whole seconds, as "log out everywhere" records them: a token issued within the second of
    // such a logout is revoked by it, whatever fraction its iat carries.
    iat: typeof claims.iat === 'number' ? Math.floor(claims.iat) : null,
    tokenId: typeof claims.jti === 'string' && claims.jti !== ''
      ? `jti:${claims.jti}`
      : `sha256:${createHash('sha256').update(canonical(token)).digest('base64url')}`
  }
}

/**
 * The token with its signature in canonical base64url. The signature's last character carries
 * a few padding bits that decoders ignore, so one signed token has several spellings that all
 * verify; a revocation by hash must catch every one of them. An issuer's own spelling is
 * already canonical, so its hash is unchanged.
 */
function canonical (token: string): string {
  const dot = token.lastIndexOf('.')
  return `${token.slice(0, dot + 1)}${Buffer.from(token.slice(dot + 1), 'base64url').toString('base64url')}`
}
