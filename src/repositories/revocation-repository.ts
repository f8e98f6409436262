export interface RevocationRepository {
  /** Revokes one token (by jti, or a hash of it) until it expires. */
  revokeToken(tokenId: string, sub: string, expiresAt: Date): Promise<void>
  /** Revokes every token of `sub` issued at or before `issuedAtOrBefore` (seconds since the epoch). */
  revokeSubject(sub: string, issuedAtOrBefore: number): Promise<void>
  /** True when this token, or every token of its subject issued by its iat, was revoked. */
  isRevoked(tokenId: string, sub: string, issuedAt: number | null): Promise<boolean>
  /** Deletes token revocations whose token has expired anyway; returns how many. */
  purgeExpired(now: Date): Promise<number>
}
