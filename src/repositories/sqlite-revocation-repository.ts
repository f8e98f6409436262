import { eq, lt, sql } from 'drizzle-orm'
import { revokedTokens, subjectRevocations } from '../db/schema.js'
import type { RevocationRepository } from './revocation-repository.js'
import type { SqliteDb } from './sqlite-product-repository.js'

export class SqliteRevocationRepository implements RevocationRepository {
  readonly #db: SqliteDb
  readonly #check

  constructor (db: SqliteDb) {
    this.#db = db
    // Both primary-key lookups in one statement: no scan, whatever the table sizes.
    this.#check = db
      .select({
        tokenRevoked: sql<number>`exists (select 1 from ${revokedTokens} where ${revokedTokens.tokenId} = ${sql.placeholder('tokenId')})`,
        revokedBefore: sql<number | null>`(select ${subjectRevocations.revokedBefore} from ${subjectRevocations} where ${subjectRevocations.sub} = ${sql.placeholder('sub')})`
      })
      .from(sql`(select 1)`)
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
    const { tokenRevoked, revokedBefore } = this.#check.get({ tokenId, sub }) ?? { tokenRevoked: 0, revokedBefore: null }
    if (tokenRevoked) return true
    if (revokedBefore === null) return false
    // A token without iat cannot prove it came after the logout, so it is treated as older.
    return issuedAt === null || issuedAt <= revokedBefore
  }

  async purgeExpired (now: Date): Promise<number> {
    return this.#db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, now)).run().changes
  }
}
