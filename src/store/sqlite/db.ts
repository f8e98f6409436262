import type Database from 'better-sqlite3'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type * as schema from './schema.js'

/** Drizzle over the database; `$client` is the driver, for a statement on the hottest path. */
export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database }
