import { lt, sql } from 'drizzle-orm'
import type { RevocationRepository } from '../types.js'
import { type PgContext, type PgDb, transaction } from './db.js'
import { guard } from './errors.js'
import { REVOCATION_CHANNEL, type RevocationWatch } from './revocation-watch.js'
import { revokedTokens, subjectRevocations } from './schema.js'

// Both primary-key lookups in one round trip.
const CHECK = {
  name: 'revocation_check',
  text: 'SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE sub = $1 AND token_id = $2) AS token_revoked, ' +
    '(SELECT revoked_before FROM subject_revocations WHERE sub = $1) AS revoked_before'
}

export class PgRevocationRepository implements RevocationRepository {
  readonly #context: PgContext
  readonly #watch: RevocationWatch

  constructor (context: PgContext, watch: RevocationWatch) {
    this.#context = context
    this.#watch = watch
  }

  /** Runs `write` with the counter bump and the notification in the same transaction. */
  async #revoke (write: (tx: PgDb) => Promise<unknown>): Promise<void> {
    this.#watch.bump()
    await transaction(this.#context.pool, async (tx) => {
      await write(tx)
      await tx.execute(sql`SELECT pg_notify(${REVOCATION_CHANNEL}, nextval('revocation_events')::text)`)
    })
    this.#watch.bump()
  }

  async revokeToken (sub: string, tokenId: string, expiresAt: Date): Promise<void> {
    await this.#revoke((tx) =>
      tx
        .insert(revokedTokens)
        .values({ sub, tokenId, expiresAt: expiresAt.getTime() })
        .onConflictDoUpdate({
          target: [revokedTokens.sub, revokedTokens.tokenId],
          set: { expiresAt: sql`greatest(${revokedTokens.expiresAt}, excluded.expires_at)` }
        })
    )
  }

  async revokeSubject (sub: string, issuedAtOrBefore: number): Promise<void> {
    await this.#revoke((tx) =>
      tx
        .insert(subjectRevocations)
        .values({ sub, revokedBefore: issuedAtOrBefore })
        .onConflictDoUpdate({
          target: subjectRevocations.sub,
          set: { revokedBefore: sql`greatest(${subjectRevocations.revokedBefore}, excluded.revoked_before)` }
        })
    )
  }

  async isRevoked (sub: string, tokenId: string, issuedAt: number | null): Promise<boolean> {
    const { rows } = await guard(() =>
      this.#context.pool.query<{ token_revoked: boolean, revoked_before: string | null }>({ ...CHECK, values: [sub, tokenId] })
    )
    const row = rows[0]
    if (!row) return false
    const revokedBefore = row.revoked_before === null ? null : Number(row.revoked_before)
    // A token without iat cannot prove it came after an "everywhere" logout, so it counts as older.
    return row.token_revoked || (revokedBefore !== null && (issuedAt === null || issuedAt <= revokedBefore))
  }

  generation (): number {
    return this.#watch.generation()
  }

  async purgeExpired (now: Date): Promise<number> {
    const result = await guard(() => this.#context.db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, now.getTime())))
    return result.rowCount ?? 0
  }
}
