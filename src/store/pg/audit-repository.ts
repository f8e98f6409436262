import type { AuditEntry, AuditQuery, AuditRepository } from '../types.js'
import { auditFilter, auditPage } from '../query/audit.js'
import type { PgContext } from './db.js'
import { guard } from './errors.js'
import { auditLog } from './schema.js'

export class PgAuditRepository implements AuditRepository {
  readonly #context: PgContext

  constructor (context: PgContext) {
    this.#context = context
  }

  async list (query: AuditQuery): Promise<{ items: AuditEntry[], nextBeforeId: number | null }> {
    // The at column holds epoch milliseconds.
    const { where, orderBy } = auditFilter(auditLog, query, (date) => date.getTime())
    const rows = await guard(() => this.#context.db.select().from(auditLog).where(where).orderBy(orderBy).limit(query.limit + 1))
    return auditPage(rows, query.limit)
  }
}
