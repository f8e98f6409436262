import { Readable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { changeContext } from '../../http/change-context.js'
import { invalidProblem, keyReusedProblem } from '../../http/product-outcomes.js'
import { csvRows, exportChunks, ndjsonRows } from '../../http/bulk-formats.js'
import { decodeUtf8Body, parseMediaType } from '../../http/media-type.js'
import { HttpProblem } from '../../http/problem.js'
import type { FieldError } from '../../lib/field-errors.js'
import { toProductJson } from '../../lib/product-json.js'
import { writeBudget } from '../../plugins/external/rate-limit.js'
import { BulkDeleteRequest, BulkDeleteResult, BulkResult, MAX_BULK_ROWS } from '../../schemas/bulk.js'
import { HEADERS, idempotencyKeyHeaders, jsonResponse, problemResponses, ref } from '../../schemas/common.js'

const ADMIN = { security: [{ bearerAuth: [] }] }
export { MAX_BULK_ROWS }
// 1000 rows of the longest valid product are well under this.
const BULK_BODY_LIMIT = 4 * 1024 * 1024
const NDJSON = 'application/x-ndjson'
const CSV = 'text/csv'

const exportProducts: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/export', {
    schema: {
      tags: ['products'],
      operationId: 'exportProducts',
      summary: 'Export every product as CSV or NDJSON (streamed)',
      description: 'Public. Streams the whole catalogue in id order, one product per line.',
      security: [],
      querystring: Type.Object(
        { format: Type.Unsafe<'csv' | 'ndjson'>({ type: 'string', enum: ['csv', 'ndjson'], default: 'ndjson', description: 'ndjson (default) or csv' }) },
        { additionalProperties: false }
      ),
      response: {
        200: {
          description: 'Every product in id order; CSV has the header id,title,price,image,createdAt,updatedAt',
          headers: { ...HEADERS.requestId, ...HEADERS.rateLimit },
          content: {
            [CSV]: { schema: { type: 'string', example: 'id,title,price,image,createdAt,updatedAt\n1,PlayStation,899.99,https://example.com/playstation.jpg,2026-01-01T12:00:00.000Z,2026-01-01T12:00:00.000Z\n' } },
            [NDJSON]: { schema: { type: 'string', example: '{"id":1,"title":"PlayStation","price":"899.99","image":"https://example.com/playstation.jpg","createdAt":"2026-01-01T12:00:00.000Z","updatedAt":"2026-01-01T12:00:00.000Z"}\n' } }
          }
        },
        ...problemResponses(400)
      }
    }
  }, async (request, reply) => {
    const { format } = request.query
    // Reads the first batch before sending anything: an outage then is a 503, not a broken 200.
    const chunks = await exportChunks(fastify.products.all(), format)
    return reply
      .type(format === 'csv' ? `${CSV}; charset=utf-8` : NDJSON)
      .header('content-disposition', `attachment; filename="products.${format}"`)
      .send(Readable.from(chunks))
  })
}

const deleteProducts: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/bulk-delete', {
    onRequest: fastify.requireAdmin,
    config: { rateLimit: writeBudget },
    schema: {
      tags: ['products'],
      operationId: 'deleteProducts',
      summary: 'Delete many products at once, all or nothing (admin)',
      description: 'Admin only. If any id does not exist, nothing is deleted and the 404 names the missing ones.',
      ...ADMIN,
      body: ref(BulkDeleteRequest),
      response: {
        200: jsonResponse(BulkDeleteResult, 'Deleted', HEADERS.rateLimit),
        ...problemResponses(400, 401, 403, 404, 413, 415)
      }
    }
  }, async (request) => {
    const result = await fastify.products.deleteMany(request.body.ids, changeContext(request))
    if (result.status === 'ok') return { deleted: result.deleted }
    throw new HttpProblem(404, `No product has id ${result.ids.join(', ')}; nothing was deleted.`, {
      errors: result.ids.map((id) => ({ in: 'body', field: `ids.${request.body.ids.indexOf(id)}`, message: `product ${id} does not exist` }))
    })
  })
}

// An encapsulated plugin, so CSV and NDJSON bodies are accepted by this route alone.
const importProducts: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addContentTypeParser([NDJSON, CSV], { parseAs: 'buffer', bodyLimit: BULK_BODY_LIMIT }, (request, body, done) => {
    try {
      done(null, decodeUtf8Body(request.headers['content-type'], body as Buffer))
    } catch (error) {
      done(error as Error, undefined)
    }
  })

  fastify.post('/bulk', {
    onRequest: fastify.requireAdmin,
    config: { rateLimit: writeBudget },
    preHandler: fastify.idempotencyKey,
    bodyLimit: BULK_BODY_LIMIT,
    schema: {
      tags: ['products'],
      operationId: 'importProducts',
      summary: 'Create up to 1000 products at once, all or nothing (admin)',
      description:
        'A JSON array, NDJSON (one product per line) or CSV with the header title,price,image. One bad row rejects the whole batch with 400 and an errors list giving each bad row, field and reason.',
      ...ADMIN,
      // The products service checks rows one by one, so that each bad row is named; the document shows the strict shape.
      'x-json-body': 'BulkProducts',
      headers: idempotencyKeyHeaders(),
      body: {
        content: {
          'application/json': { schema: Type.Array(Type.Unknown(), { description: 'Products as in POST /products' }) },
          [NDJSON]: { schema: Type.String({ description: 'One product object per line' }) },
          [CSV]: { schema: Type.String({ description: 'Header title,price,image, then one product per line' }) }
        }
      },
      response: { 201: jsonResponse(BulkResult, 'Created, all of them', HEADERS.rateLimit), ...problemResponses(400, 401, 403, 413, 415, 422) }
    }
  }, async (request, reply) => {
    const parseErrors: FieldError[] = []
    const body = request.body as unknown
    const rows = Array.isArray(body)
      ? body
      : parseMediaType(request.headers['content-type'])?.type === CSV
        ? await csvRows(String(body), parseErrors)
        : await ndjsonRows(String(body), parseErrors)
    const outcome = await fastify.products.createMany(rows, parseErrors, changeContext(request), request.idempotencyKey)
    if (outcome.status === 'invalid') throw invalidProblem(outcome.errors, 'body', rows.length)
    if (outcome.status === 'key-reused') throw keyReusedProblem()
    if (outcome.status === 'replayed') reply.header('idempotent-replayed', 'true')
    return reply.code(201).send({ created: outcome.value.length, items: outcome.value.map(toProductJson) })
  })
}

/** Import, export and bulk delete: the tutorial admin's bulk actions, for scripts. */
const productBulkRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  await fastify.register(exportProducts)
  await fastify.register(deleteProducts)
  await fastify.register(importProducts)
}

export default productBulkRoutes
