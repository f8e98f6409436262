import { errorChain, firstMessage, networkReason, SettingError } from '../lib/setting-error.js'
import type { Store } from './types.js'
import { openSqliteStore } from './sqlite/store.js'

/**
 * Opens the store DATABASE_URL names, choosing the adapter by its scheme: `file:<path>` and
 * `:memory:` are SQLite, `postgres://` and `postgresql://` PostgreSQL. The PostgreSQL adapter
 * (and pg) is loaded only when named, so an embedded start never pays for it. Opening is the
 * first time the database is tried: a failure comes out as a SettingError naming DATABASE_URL.
 */
export async function openStore (databaseUrl: string, options: { poolSize?: number } = {}): Promise<Store> {
  try {
    return await openAdapter(databaseUrl, options)
  } catch (error) {
    throw new SettingError('DATABASE_URL', databaseUrl, openFailure(error), { cause: error })
  }
}

async function openAdapter (databaseUrl: string, options: { poolSize?: number }): Promise<Store> {
  if (databaseUrl === ':memory:') return openSqliteStore(':memory:')
  if (databaseUrl.startsWith('file:')) return openSqliteStore(databaseUrl.slice('file:'.length))
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { openPgStore } = await import('./pg/store.js')
    return openPgStore(databaseUrl, options)
  }
  throw new Error(`names no supported store: ${databaseUrl.split(':')[0]}:`)
}

/**
 * Why the database could not be opened, in the words of the setting's owner. PostgreSQL's
 * SQLSTATE classes: 28 the login (role or password) was refused, 3D000 no such database.
 */
export function openFailure (error: unknown): string {
  const network = networkReason(error)
  if (network) return network
  for (const part of errorChain(error)) {
    const code = typeof part.code === 'string' ? part.code : ''
    const message = typeof part.message === 'string' ? part.message : ''
    if (code.startsWith('28')) return `login refused: ${message}`
    if (code === '3D000') return `no such database: ${message}`
    if (code === 'SQLITE_CANTOPEN') return `cannot open the file: ${message}`
    // The server (or something between) closed the socket before the login finished.
    if (message.includes('Connection terminated')) return 'cannot connect: the connection was closed'
  }
  return `cannot open: ${firstMessage(error)}`
}
