import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm'
import { readSnapshot } from '../json-column.js'
import type { AuditAction, AuditEntry, AuditQuery, AuditRepository, Product } from '../types.js'
import type { SqliteDb } from './db.js'
import { guard } from './errors.js'
import { auditLog, type ProductSnapshot } from './schema.js'

export function toSnapshot (product: Product): ProductSnapshot {
  return { ...product, createdAt: product.createdAt.getTime(), updatedAt: product.updatedAt.getTime() }
}

function fromSnapshot (stored: ProductSnapshot | null): Product | null {
  const snapshot = readSnapshot<ProductSnapshot>(stored)
  if (snapshot === null) return null
  return { ...snapshot, createdAt: new Date(snapshot.createdAt), updatedAt: new Date(snapshot.updatedAt) }
}

export class SqliteAuditRepository implements AuditRepository {
  readonly #db: SqliteDb

  constructor (db: SqliteDb) {
    this.#db = db
  }

  async list (query: AuditQuery): Promise<{ items: AuditEntry[], nextBeforeId: number | null }> {
    return guard(() => {
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
        .map((row) => ({ ...row, action: row.action as AuditAction, before: fromSnapshot(row.before), after: fromSnapshot(row.after) }))
      const last = items[items.length - 1]
      return { items, nextBeforeId: rows.length > query.limit && last ? last.id : null }
    })
  }
}
