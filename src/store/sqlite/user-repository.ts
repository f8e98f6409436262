import { eq, sql } from 'drizzle-orm'
import type { User, UserPosition, UserProfile, UserRepository } from '../types.js'
import { userOrder, userPage, usersAfter } from '../query/users.js'
import type { SqliteDb } from './db.js'
import { guard } from './errors.js'
import { users } from './schema.js'

export class SqliteUserRepository implements UserRepository {
  readonly #db: SqliteDb
  readonly #bySub
  readonly #firstPage
  readonly #pageAfter

  constructor (db: SqliteDb) {
    this.#db = db
    const limit = sql.placeholder('limit')
    this.#bySub = db.select().from(users).where(eq(users.sub, sql.placeholder('sub'))).prepare()
    this.#firstPage = db.select().from(users).orderBy(...userOrder(users)).limit(limit).prepare()
    this.#pageAfter = db.select().from(users).where(usersAfter(users)).orderBy(...userOrder(users)).limit(limit).prepare()
  }

  async recordSeen (sub: string, isAdmin: boolean, at: Date): Promise<void> {
    await guard(() => this.#db
      .insert(users)
      .values({ sub, isAdmin, firstSeenAt: at, lastSeenAt: at })
      .onConflictDoUpdate({ target: users.sub, set: { isAdmin, lastSeenAt: at } })
      .run())
  }

  async updateProfile (sub: string, profile: UserProfile): Promise<void> {
    await guard(() => this.#db.update(users).set(profile).where(eq(users.sub, sub)).run())
  }

  async get (sub: string): Promise<User | null> {
    return guard(() => this.#bySub.get({ sub }) ?? null)
  }

  async list ({ limit, after }: { limit: number, after: UserPosition | null }): Promise<{ items: User[], next: UserPosition | null }> {
    const rows = await guard(() => after
      ? this.#pageAfter.all({ lastSeenAt: after.lastSeenAt, sub: after.sub, limit: limit + 1 })
      : this.#firstPage.all({ limit: limit + 1 }))
    return userPage(rows, limit)
  }
}
