import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm'
import { auditLog } from '../db/schema.js'
import type { ProductJson } from '../lib/product-json.js'
import type { AuditAction, AuditEntry, AuditQuery, AuditRepository } from './audit-repository.js'
import type { SqliteDb } from './sqlite-product-repository.js'

export class SqliteAuditRepository implements AuditRepository {
  readonly #db: SqliteDb

  constructor (db: SqliteDb) {
    this.#db = db
  }

  async list (query: AuditQuery): Promise<{ items: AuditEntry[]; nextBeforeId: number | null }> {
    const conditions: SQL[] = []
    if (query.productId !== null) conditions.push(eq(auditLog.productId, query.productId))
    if (query.actor !== null) conditions.push(eq(auditLog.actor, query.actor))
    if (query.action !== null) conditions.push(eq(auditLog.action, query.action))
    if (query.from !== null) conditions.push(gte(auditLog.at, query.from))
    if (query.to !== null) conditions.push(lte(auditLog.at, query.to))
    if (query.beforeId !== null) conditions.push(lt(auditLog.id, query.beforeId))
    const rows = this.#db
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(desc(auditLog.id))
      .limit(query.limit + 1)
      .all()
    const items = rows
      .slice(0, query.limit)
      .map((row) => ({ ...row, action: row.action as AuditAction, before: row.before as ProductJson | null, after: row.after as ProductJson | null }))
    const last = items[items.length - 1]
    return { items, nextBeforeId: rows.length > query.limit && last ? last.id : null }
  }
}
