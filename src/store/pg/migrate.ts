import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import pg from 'pg'

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle/pg', import.meta.url))
// One advisory lock key for every replica of this app ('stor', 'eapi').
const LOCK = [0x73746f72, 0x65617069]
// Another replica may hold the lock while it migrates; wait this long for it, not forever.
const LOCK_WAIT_MS = 60_000

/**
 * Applies the committed migrations exactly once however many processes start together:
 * each takes a session-level advisory lock on its own connection first, so the others wait
 * and then find nothing left to do. The lock dies with the session if the process does.
 * Returns true when no migration had ever been applied.
 */
export async function migrateOnce (config: pg.ClientConfig): Promise<boolean> {
  // Migrations may outlast the pool's statement timeout; the lock wait is bounded instead.
  const client = new pg.Client({ ...config, statement_timeout: 0, query_timeout: 0, lock_timeout: LOCK_WAIT_MS })
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', LOCK)
    try {
      const created = await neverMigrated(client)
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER })
      return created
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', LOCK)
    }
  } finally {
    await client.end().catch(() => {})
  }
}

async function neverMigrated (client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>("SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present")
  if (!rows[0]?.present) return true
  const { rows: counted } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations')
  return counted[0]?.n === 0
}
