import { desc, type Column, type SQL, sql } from 'drizzle-orm'
import type { UserPosition } from '../types.js'
import { keysetPage } from './keyset.js'

/** The users columns the listing uses, as each dialect's schema declares them. */
export interface UserTable {
  sub: Column
  lastSeenAt: Column
}

/** Most recently seen first; sub (compared by code point on both) breaks ties. */
export function userOrder (table: UserTable): SQL[] {
  return [desc(table.lastSeenAt), desc(table.sub)]
}

/** The users after a position (placeholders `lastSeenAt` and `sub`): a row value, so the index is sought. */
export function usersAfter (table: UserTable): SQL {
  return sql`(${table.lastSeenAt}, ${table.sub}) < (${sql.placeholder('lastSeenAt')}, ${sql.placeholder('sub')})`
}

/** The page from the users read (limit + 1 of them). */
export function userPage<T extends { sub: string, lastSeenAt: Date }> (rows: T[], limit: number): { items: T[], next: UserPosition | null } {
  return keysetPage(rows, limit, (last) => ({ lastSeenAt: last.lastSeenAt.getTime(), sub: last.sub }))
}
