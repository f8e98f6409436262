import { lt, sql } from 'drizzle-orm'
import type { RevocationRepository } from '../types.js'
import type { SqliteDb } from './db.js'
import { guard, guardSync } from './errors.js'
import { revokedTokens, subjectRevocations } from './schema.js'

const MAX_REMEMBERED = 50_000
// How stale another process's revocation may be here. Reading data_version costs more than the
// indexed lookup it saves, so it is read at most this often rather than on every request.
export const CROSS_PROCESS_RECHECK_MS = 1000

export class SqliteRevocationRepository implements RevocationRepository {
  readonly #db: SqliteDb
  readonly #check
  readonly #dataVersion: () => unknown
  // Tokens found not revoked, valid while no revocation is written: by this connection (each
  // revoke clears it at once) or by another process on the same file (SQLite's data_version
  // moves on any commit of theirs; it is read at most every CROSS_PROCESS_RECHECK_MS).
  readonly #notRevoked = new Set<string>()
  #seenVersion: unknown = null
  #checkedAt = Number.NEGATIVE_INFINITY
  #generation = 0

  /** `dataVersion` reads SQLite's PRAGMA data_version on the same connection. */
  constructor (db: SqliteDb, dataVersion: () => unknown) {
    this.#db = db
    this.#dataVersion = dataVersion
    // Both primary-key lookups in one statement: no scan, whatever the table sizes.
    this.#check = db
      .select({
        tokenRevoked: sql<number>`exists (select 1 from ${revokedTokens} where ${revokedTokens.sub} = ${sql.placeholder('sub')} and ${revokedTokens.tokenId} = ${sql.placeholder('tokenId')})`,
        revokedBefore: sql<number | null>`(select ${subjectRevocations.revokedBefore} from ${subjectRevocations} where ${subjectRevocations.sub} = ${sql.placeholder('sub')})`
      })
      .from(sql`(select 1)`)
      .prepare()
  }

  async revokeToken (sub: string, tokenId: string, expiresAt: Date): Promise<void> {
    this.#forget()
    await guard(() => this.#db.insert(revokedTokens).values({ sub, tokenId, expiresAt }).onConflictDoNothing().run())
  }

  async revokeSubject (sub: string, issuedAtOrBefore: number): Promise<void> {
    this.#forget()
    await guard(() => this.#db
      .insert(subjectRevocations)
      .values({ sub, revokedBefore: issuedAtOrBefore })
      .onConflictDoUpdate({
        target: subjectRevocations.sub,
        set: { revokedBefore: sql`max(${subjectRevocations.revokedBefore}, excluded.revoked_before)` }
      })
      .run())
  }

  generation (): number {
    const now = performance.now()
    if (now - this.#checkedAt >= CROSS_PROCESS_RECHECK_MS) {
      this.#checkedAt = now
      const version = guardSync(this.#dataVersion)
      if (version !== this.#seenVersion) {
        this.#seenVersion = version
        this.#forget()
      }
    }
    return this.#generation
  }

  #forget (): void {
    this.#notRevoked.clear()
    this.#generation++
  }

  async isRevoked (sub: string, tokenId: string, issuedAt: number | null): Promise<boolean> {
    this.generation()
    const key = `${sub}\u0000${tokenId}\u0000${issuedAt ?? ''}`
    if (this.#notRevoked.has(key)) return false
    const { tokenRevoked, revokedBefore } = guardSync(() => this.#check.get({ tokenId, sub })) ?? { tokenRevoked: 0, revokedBefore: null }
    // A token without iat cannot prove it came after an "everywhere" logout, so it counts as older.
    const revoked = Boolean(tokenRevoked) || (revokedBefore !== null && (issuedAt === null || issuedAt <= revokedBefore))
    if (!revoked) {
      if (this.#notRevoked.size >= MAX_REMEMBERED) this.#notRevoked.clear()
      this.#notRevoked.add(key)
    }
    return revoked
  }

  async purgeExpired (now: Date): Promise<number> {
    return guard(() => this.#db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, now)).run().changes)
  }
}
