import type { Store } from './types.js'
import { openSqliteStore } from './sqlite/store.js'

/**
 * Opens the store DATABASE_URL names, choosing the adapter by its scheme: `file:<path>` and
 * `:memory:` are SQLite, `postgres://` and `postgresql://` PostgreSQL. The PostgreSQL adapter
 * (and pg) is loaded only when named, so an embedded start never pays for it.
 */
export async function openStore (databaseUrl: string, options: { poolSize?: number } = {}): Promise<Store> {
  if (databaseUrl === ':memory:') return openSqliteStore(':memory:')
  if (databaseUrl.startsWith('file:')) return openSqliteStore(databaseUrl.slice('file:'.length))
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { openPgStore } = await import('./pg/store.js')
    return openPgStore(databaseUrl, options)
  }
  throw new Error(`DATABASE_URL names no supported store: ${databaseUrl.split(':')[0]}:`)
}
