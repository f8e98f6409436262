import { lt, sql } from 'drizzle-orm'
import type { RevocationRepository } from '../types.js'
import { isRevoked, revocationCheck } from '../query/revocations.js'
import { type PgContext, type PgDb, transaction } from './db.js'
import { guard } from './errors.js'
import { REVOCATION_CHANNEL, type RevocationWatch } from './revocation-watch.js'
import { revokedTokens, subjectRevocations } from './schema.js'

export class PgRevocationRepository implements RevocationRepository {
  readonly #context: PgContext
  readonly #watch: RevocationWatch
  readonly #check

  constructor (context: PgContext, watch: RevocationWatch) {
    this.#context = context
    this.#watch = watch
    const check = revocationCheck({ tokens: revokedTokens, subjects: subjectRevocations })
    this.#check = context.db.select(check.fields).from(check.from).prepare('revocation_check')
  }

  /** Runs `write` with the counter bump and the notification in the same transaction. */
  async #revoke (write: (tx: PgDb) => Promise<unknown>): Promise<void> {
    this.#watch.bump()
    await transaction(this.#context.db, async (tx) => {
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
    const [check] = await guard(() => this.#check.execute({ sub, tokenId }))
    return isRevoked(check, issuedAt)
  }

  generation (): number {
    return this.#watch.generation()
  }

  async purgeExpired (now: Date): Promise<number> {
    const result = await guard(() => this.#context.db.delete(revokedTokens).where(lt(revokedTokens.expiresAt, now.getTime())))
    return result.rowCount ?? 0
  }
}
