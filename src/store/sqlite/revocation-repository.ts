import { lt, sql } from 'drizzle-orm'
import type { RevocationRepository } from '../types.js'
import { isRevoked, revocationCheck } from '../query/revocations.js'
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
    const check = revocationCheck({ tokens: revokedTokens, subjects: subjectRevocations })
    this.#check = db.select(check.fields).from(check.from).prepare()
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
    const revoked = isRevoked(guardSync(() => this.#check.get({ tokenId, sub })), issuedAt)
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
