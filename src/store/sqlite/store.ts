import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { SqliteAuditRepository } from './audit-repository.js'
import { SqliteIdempotencyRepository } from './idempotency-repository.js'
import { SqliteProductRepository } from './product-repository.js'
import { SqliteRevocationRepository } from './revocation-repository.js'
import { SqliteUserRepository } from './user-repository.js'
import type { Store } from '../types.js'
import { translate } from './errors.js'
import * as schema from './schema.js'

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle/sqlite', import.meta.url))

/**
 * Opens (creating if needed) the SQLite database at `path`, applies the committed
 * migrations and returns the repositories over it.
 */
export function openSqliteStore (path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  let sqlite: Database.Database
  try {
    sqlite = new Database(path)
  } catch (error) {
    throw translate(error)
  }
  try {
    sqlite.pragma('journal_mode = WAL')
    // FULL: every commit is fsynced before it is acknowledged, so it survives power loss too;
    // the group commit shares one fsync among the writes of an event-loop turn.
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('busy_timeout = 5000')
    // Checkpoint every ~40 MB of WAL rather than every 4 MB: fewer fsyncs under write load.
    sqlite.pragma('wal_autocheckpoint = 10000')
    sqlite.pragma('foreign_keys = ON')
    const db = drizzle(sqlite, { schema })
    const created = !db.get(sql`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'`)
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
    const ping = db.select({ ok: sql<number>`1` }).from(sql`(SELECT 1)`).prepare()
    // Read at most once a second (revocation-repository.ts): Drizzle's ordinary API is enough.
    const dataVersion = db.select({ version: sql<number>`data_version` }).from(sql`pragma_data_version`).prepare()
    return {
      created,
      products: new SqliteProductRepository(db),
      users: new SqliteUserRepository(db),
      revocations: new SqliteRevocationRepository(db, () => dataVersion.get()?.version),
      audit: new SqliteAuditRepository(db),
      idempotency: new SqliteIdempotencyRepository(db),
      async ping () {
        try {
          return ping.get() !== undefined
        } catch {
          return false
        }
      },
      async close () {
        if (sqlite.open) sqlite.close()
      }
    }
  } catch (error) {
    sqlite.close()
    throw error
  }
}
