export interface RevocationRepository {
  /** Revokes one token (by jti, or a hash of it) until it expires. */
  revokeToken(tokenId: string, sub: string, expiresAt: Date): Promise<void>
  /** Revokes every token of `sub` issued at or before `issuedAtOrBefore` (seconds since the epoch). */
  revokeSubject(sub: string, issuedAtOrBefore: number): Promise<void>
  /** True when this token, or every token of its subject issued by its iat, was revoked. */
  isRevoked(tokenId: string, sub: string, issuedAt: number | null): Promise<boolean>
  /**
   * A number that moves on whenever a revocation may have been written, here or by another
   * process on the same store (within that store's staleness bound). A "not revoked" answer
   * got while it read N may be reused for as long as it still reads N.
   */
  generation(): number
  /** Deletes token revocations whose token has expired anyway; returns how many. */
  purgeExpired(now: Date): Promise<number>
}
