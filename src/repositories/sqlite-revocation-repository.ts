import { eq, lt, sql } from 'drizzle-orm'
import { revokedTokens, subjectRevocations } from '../db/schema.js'
import type { RevocationRepository } from './revocation-repository.js'
import type { SqliteDb } from './sqlite-product-repository.js'

export class SqliteRevocationRepository implements RevocationRepository {
  readonly #db: SqliteDb
  readonly #tokenRevoked
  readonly #subjectRevokedBefore

  constructor (db: SqliteDb) {
    this.#db = db
    // Two primary-key lookups per authenticated request: no scan, whatever the table sizes.
    this.#tokenRevoked = db
      .select({ one: sql<number>`1` })
      .from(revokedTokens)
      .where(eq(revokedTokens.tokenId, sql.placeholder('tokenId')))
      .prepare()
    this.#subjectRevokedBefore = db
      .select({ revokedBefore: subjectRevocations.revokedBefore })
      .from(subjectRevocations)
      .where(eq(subjectRevocations.sub, sql.placeholder('sub')))
      .prepare()
  }

  async revokeToken (tokenId: string, sub: string, expiresAt: Date): Promise<void> {
    this.#db.insert(revokedTokens).values({ tokenId, sub, expiresAt }).onConflictDoNothing().run()
  }

  async revokeSubject (sub: string, issuedAtOrBefore: number): Promise<void> {
    this.#db
      .insert(subjectRevocations)
      .values({ sub, revokedBefore: issuedAtOrBefore })
      .onConflictDoUpdate({
        target: subjectRevocations.sub,
        set: { revokedBefore: sql`max(${subjectRevocations.revokedBefore}, excluded.revoked_before)` }
      })
      .run()
  }

  async isRevoked (tokenId: string, sub: string, issuedAt: number | null): Promise<boolean> {
    if (this.#tokenRevoked.get({ tokenId })) return true
    const subject = this.#subjectRevokedBefore.get({ sub })
    if (!subject) return false
    // A token without iat cannot prove it came after the logout, so it is treated as older.
    return issuedAt === null || issuedAt <= subject.revokedBefore
  }

  async purgeExpired (now: Date): Promise<number> {
    return this.#db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, now)).run().changes
  }
}
