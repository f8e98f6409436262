import { and, desc, eq, gte, lt, lte, type Column, type SQL } from 'drizzle-orm'
import type { AuditAction, AuditEntry, AuditQuery } from '../types.js'
import { keysetPage } from './keyset.js'
import { fromSnapshot, type ProductSnapshot } from './snapshots.js'

/** The audit_log columns the filters use, as each dialect's schema declares them. */
export interface AuditTable {
  id: Column
  at: Column
  actor: Column
  action: Column
  productId: Column
}

/**
 * The audit trail's filters and its newest-first order. `at` turns a Date into what the
 * dialect's `at` column takes (a Date in SQLite's timestamp mode, milliseconds in PostgreSQL).
 */
export function auditFilter (table: AuditTable, query: AuditQuery, at: (date: Date) => unknown): { where: SQL | undefined, orderBy: SQL } {
  const conditions: SQL[] = []
  if (query.productId !== null) conditions.push(eq(table.productId, query.productId))
  if (query.actor !== null) conditions.push(eq(table.actor, query.actor))
  if (query.action !== null) conditions.push(eq(table.action, query.action))
  if (query.from !== null) conditions.push(gte(table.at, at(query.from)))
  if (query.to !== null) conditions.push(lte(table.at, at(query.to)))
  if (query.beforeId !== null) conditions.push(lt(table.id, query.beforeId))
  return { where: and(...conditions), orderBy: desc(table.id) }
}

/** An audit_log row as either dialect's Drizzle reads it. */
export interface AuditRow {
  id: number
  at: Date | number
  actor: string
  action: string
  productId: number
  before: ProductSnapshot | null
  after: ProductSnapshot | null
  requestId: string
}

function toEntry (row: AuditRow): AuditEntry {
  return {
    ...row,
    at: new Date(row.at),
    action: row.action as AuditAction,
    before: fromSnapshot(row.before),
    after: fromSnapshot(row.after)
  }
}

/** The page from the rows read (limit + 1 of them, newest first). */
export function auditPage (rows: AuditRow[], limit: number): { items: AuditEntry[], nextBeforeId: number | null } {
  const { items, next } = keysetPage(rows, limit, (last) => last.id)
  return { items: items.map(toEntry), nextBeforeId: next }
}
