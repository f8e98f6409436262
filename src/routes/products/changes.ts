import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { TOMBSTONE_RETENTION_DAYS } from '../../lib/change-feed.js'
import { decodeCursor, encodeCursor } from '../../http/cursor.js'
import { HttpProblem, validationProblem } from '../../http/problem.js'
import { toProductJson } from '../../lib/product-json.js'
import type { ChangePosition, ProductChange } from '../../store/types.js'
import { ChangePage, ChangeQuery } from '../../schemas/changes.js'
import { HEADERS, jsonResponse, problemResponses } from '../../schemas/common.js'

const notACursor = () => validationProblem([{ in: 'querystring', field: 'since', message: 'is not a cursor this API issued' }])

/** The position a `since` names: its shape is the store's business, checked there. */
function positionFromSince (since: string | undefined): ChangePosition | null {
  if (since === undefined) return null
  const position = decodeCursor(since)
  if (position === null || !Object.values(position).every((v) => typeof v === 'string' || typeof v === 'number')) throw notACursor()
  return position as ChangePosition
}

function toChangeJson (change: ProductChange) {
  return change.deleted ? { id: change.id, deleted: true as const, at: change.at.toISOString() } : toProductJson(change.product)
}

/** The change feed, for clients that keep a copy of the catalogue. */
const productChangeRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  // A static segment: the router matches it before /products/:id whatever the order.
  fastify.get('/changes', {
    schema: {
      tags: ['products'],
      operationId: 'listProductChanges',
      summary: 'What changed in the catalogue since a cursor',
      description: 'Public. Without since, every product (a new client\'s full copy); then follow nextCursor, which is always present, ' +
        'to get every product created, updated (its current state) or deleted (a tombstone) since, in commit order, each at most once per page. ' +
        'An empty items means nothing changed: keep the same nextCursor and ask again later. ' +
        `Tombstones are kept at least ${TOMBSTONE_RETENTION_DAYS} days: a cursor older than that answers 410, and the client must sync again from the beginning.`,
      security: [],
      querystring: ChangeQuery,
      response: {
        200: jsonResponse(ChangePage, 'Changes after the cursor, and where to continue', HEADERS.rateLimit),
        ...problemResponses(400, 410)
      }
    }
  }, async (request) => {
    const outcome = await fastify.products.feed(positionFromSince(request.query.since), request.query.limit)
    if (outcome.status === 'invalid-position') throw notACursor()
    if (outcome.status === 'expired') {
      throw new HttpProblem(410, `This cursor is older than the deletions kept (${TOMBSTONE_RETENTION_DAYS} days): discard your copy and sync again from the beginning, without since.`)
    }
    return { items: outcome.page.items.map(toChangeJson), nextCursor: encodeCursor(outcome.page.next) }
  })
}

export default productChangeRoutes
