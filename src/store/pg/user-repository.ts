import { eq, sql } from 'drizzle-orm'
import type { User, UserPosition, UserProfile, UserRepository } from '../types.js'
import { userOrder, userPage, usersAfter } from '../query/users.js'
import type { PgContext } from './db.js'
import { guard } from './errors.js'
import { users } from './schema.js'

type UserRow = typeof users.$inferSelect

// The timestamps are bigint milliseconds here, Dates in the domain.
function fromRow (row: UserRow): User {
  return { ...row, firstSeenAt: new Date(row.firstSeenAt), lastSeenAt: new Date(row.lastSeenAt) }
}

export class PgUserRepository implements UserRepository {
  readonly #context: PgContext
  readonly #bySub
  readonly #firstPage
  readonly #pageAfter

  constructor (context: PgContext) {
    this.#context = context
    const { db } = context
    const limit = sql.placeholder('limit')
    this.#bySub = db.select().from(users).where(eq(users.sub, sql.placeholder('sub'))).prepare('users_by_sub')
    this.#firstPage = db.select().from(users).orderBy(...userOrder(users)).limit(limit).prepare('users_first_page')
    this.#pageAfter = db.select().from(users).where(usersAfter(users)).orderBy(...userOrder(users)).limit(limit).prepare('users_page_after')
  }

  async recordSeen (sub: string, isAdmin: boolean, at: Date): Promise<void> {
    const ms = at.getTime()
    await guard(() =>
      this.#context.db
        .insert(users)
        .values({ sub, isAdmin, firstSeenAt: ms, lastSeenAt: ms })
        .onConflictDoUpdate({ target: users.sub, set: { isAdmin, lastSeenAt: ms } })
    )
  }

  async updateProfile (sub: string, profile: UserProfile): Promise<void> {
    await guard(() => this.#context.db.update(users).set(profile).where(eq(users.sub, sub)))
  }

  async get (sub: string): Promise<User | null> {
    const [row] = await guard(() => this.#bySub.execute({ sub }))
    return row ? fromRow(row) : null
  }

  async list ({ limit, after }: { limit: number, after: UserPosition | null }): Promise<{ items: User[], next: UserPosition | null }> {
    const rows = await guard(() =>
      after
        ? this.#pageAfter.execute({ lastSeenAt: after.lastSeenAt, sub: after.sub, limit: limit + 1 })
        : this.#firstPage.execute({ limit: limit + 1 })
    )
    return userPage(rows.map(fromRow), limit)
  }
}
