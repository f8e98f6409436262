import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm'
import { readSnapshot } from '../json-column.js'
import type { AuditAction, AuditEntry, AuditQuery, AuditRepository, Product } from '../types.js'
import type { PgContext } from './db.js'
import { guard } from './errors.js'
import { fromSnapshot } from './product-writes.js'
import { auditLog, type ProductSnapshot } from './schema.js'

// A snapshot stored as SQL NULL or as JSON null (a copied or hand-written row) is no product.
function storedProduct (stored: ProductSnapshot | null): Product | null {
  const snapshot = readSnapshot<ProductSnapshot>(stored)
  return snapshot && fromSnapshot(snapshot)
}

export class PgAuditRepository implements AuditRepository {
  readonly #context: PgContext

  constructor (context: PgContext) {
    this.#context = context
  }

  async list (query: AuditQuery): Promise<{ items: AuditEntry[], nextBeforeId: number | null }> {
    const conditions: SQL[] = []
    if (query.productId !== null) conditions.push(eq(auditLog.productId, query.productId))
    if (query.actor !== null) conditions.push(eq(auditLog.actor, query.actor))
    if (query.action !== null) conditions.push(eq(auditLog.action, query.action))
    if (query.from !== null) conditions.push(gte(auditLog.at, query.from.getTime()))
    if (query.to !== null) conditions.push(lte(auditLog.at, query.to.getTime()))
    if (query.beforeId !== null) conditions.push(lt(auditLog.id, query.beforeId))
    const rows = await guard(() =>
      this.#context.db.select().from(auditLog).where(and(...conditions)).orderBy(desc(auditLog.id)).limit(query.limit + 1)
    )
    const items = rows.slice(0, query.limit).map((row): AuditEntry => ({
      ...row,
      at: new Date(row.at),
      action: row.action as AuditAction,
      before: storedProduct(row.before),
      after: storedProduct(row.after)
    }))
    const last = items[items.length - 1]
    return { items, nextBeforeId: rows.length > query.limit && last ? last.id : null }
  }
}
