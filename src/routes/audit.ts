import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { encodeCursor, readAuditCursor } from '../http/cursor.js'
import { readDateTime } from '../http/date-time.js'
import { validationProblem } from '../http/problem.js'
import { toProductJson } from '../lib/product-json.js'
import type { AuditEntry, AuditQuery as AuditFilter } from '../store/types.js'
import { AuditPage, AuditQuery, HistoryQuery } from '../schemas/audit.js'
import { HEADERS, jsonResponse, problemResponses } from '../schemas/common.js'
import { ProductParams } from '../schemas/product.js'

const ADMIN = { security: [{ bearerAuth: [] }] }

function toJson (entry: AuditEntry) {
  return {
    ...entry,
    at: entry.at.toISOString(),
    before: entry.before && toProductJson(entry.before),
    after: entry.after && toProductJson(entry.after)
  }
}

/** The tutorial admin's "history": who changed which product, when, from what to what. */
const auditRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('onRequest', fastify.requireAdmin)

  async function page (filter: Omit<AuditFilter, 'beforeId'>, cursor: string | undefined) {
    const result = await fastify.products.changes({ ...filter, beforeId: readAuditCursor(cursor) })
    return {
      items: result.items.map(toJson),
      nextCursor: result.nextBeforeId === null ? null : encodeCursor({ before: result.nextBeforeId })
    }
  }

  fastify.get('/admin/audit', {
    schema: {
      tags: ['admin'],
      operationId: 'listAuditEntries',
      summary: 'The audit trail, newest first, with filters (admin)',
      description: 'Admin only. Who changed which product, when, from what to what; follow nextCursor for more.',
      ...ADMIN,
      querystring: AuditQuery,
      response: { 200: jsonResponse(AuditPage, 'A page of audit entries', HEADERS.rateLimit), ...problemResponses(400, 401, 403) }
    }
  }, async (request) => {
    const { productId, actor, action, from, to, limit, cursor } = request.query
    const fromDate = readDateTime('from', from)
    const toDate = readDateTime('to', to)
    if (fromDate && toDate && fromDate > toDate) {
      throw validationProblem([{ in: 'querystring', field: 'from', message: 'must not be after to' }])
    }
    return page({ limit, productId: productId ?? null, actor: actor ?? null, action: action ?? null, from: fromDate, to: toDate }, cursor)
  })

  fastify.get('/products/:id/history', {
    schema: {
      tags: ['admin'],
      operationId: 'getProductHistory',
      summary: "One product's changes, newest first; kept after it is deleted (admin)",
      description: 'Admin only. The audit entries of one product; follow nextCursor for more.',
      ...ADMIN,
      params: ProductParams,
      querystring: HistoryQuery,
      response: { 200: jsonResponse(AuditPage, 'A page of audit entries', HEADERS.rateLimit), ...problemResponses(400, 401, 403, 414) }
    }
  }, async (request) => {
    const { limit, cursor } = request.query
    return page({ limit, productId: request.params.id, actor: null, action: null, from: null, to: null }, cursor)
  })
}

export default auditRoutes
