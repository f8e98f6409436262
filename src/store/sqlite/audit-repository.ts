import type { AuditEntry, AuditQuery, AuditRepository } from '../types.js'
import { auditFilter, auditPage } from '../query/audit.js'
import type { SqliteDb } from './db.js'
import { guard } from './errors.js'
import { auditLog } from './schema.js'

export class SqliteAuditRepository implements AuditRepository {
  readonly #db: SqliteDb

  constructor (db: SqliteDb) {
    this.#db = db
  }

  async list (query: AuditQuery): Promise<{ items: AuditEntry[], nextBeforeId: number | null }> {
    return guard(() => {
      // The at column is in timestamp mode: Drizzle takes the Dates as they are.
      const { where, orderBy } = auditFilter(auditLog, query, (date) => date)
      return auditPage(this.#db.select().from(auditLog).where(where).orderBy(orderBy).limit(query.limit + 1).all(), query.limit)
    })
  }
}
