import type { Store } from './types.js'
import { openSqliteStore } from './sqlite/store.js'

/**
 * Opens the store DATABASE_URL names, choosing the adapter by its scheme: `file:<path>` and
 * `:memory:` are SQLite. This is the one place a new backend plugs in (`postgres://` next).
 */
export async function openStore (databaseUrl: string): Promise<Store> {
  if (databaseUrl === ':memory:') return openSqliteStore(':memory:')
  if (databaseUrl.startsWith('file:')) return openSqliteStore(databaseUrl.slice('file:'.length))
  throw new Error(`DATABASE_URL names no supported store: ${databaseUrl.split(':')[0]}:`)
}
