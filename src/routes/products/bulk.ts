import { Readable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createAjv } from '../../lib/ajv.js'
import { csvRows, exportChunks, ndjsonRows, rowError, tooMany } from '../../lib/bulk-formats.js'
import { changeContext } from '../../lib/change-context.js'
import { fieldErrors } from '../../lib/field-errors.js'
import { decodeUtf8Body, parseMediaType } from '../../lib/media-type.js'
import { parsePrice } from '../../lib/price.js'
import { type FieldError, HttpProblem, validationProblem } from '../../lib/problem.js'
import { toProductJson } from '../../lib/product-json.js'
import { writeBudget } from '../../plugins/external/rate-limit.js'
import { storedResponse } from '../../plugins/idempotency.js'
import { productService } from '../../services/products.js'
import type { Product, ProductInput } from '../../store/types.js'
import { BulkDeleteRequest, BulkDeleteResult, BulkResult, MAX_BULK_ROWS } from '../../schemas/bulk.js'
import { HEADERS, jsonResponse, problemResponses, ref } from '../../schemas/common.js'
import { ProductCreate } from '../../schemas/product.js'

const ADMIN = { security: [{ bearerAuth: [] }] }
export { MAX_BULK_ROWS }
// 1000 rows of the longest valid product are well under this.
export const BULK_BODY_LIMIT = 4 * 1024 * 1024
const NDJSON = 'application/x-ndjson'
const CSV = 'text/csv'

/** Import, export and bulk delete: the tutorial admin's bulk actions, for scripts. */
const productBulkRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const products = productService(fastify.store)
  const createdResponse = (created: Product[]) => storedResponse(201, { created: created.length, items: created.map(toProductJson) })
  const validateRow = createAjv(false).compile(ProductCreate)

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
    const chunks = await exportChunks(products.all(), format)
    return reply
      .type(format === 'csv' ? `${CSV}; charset=utf-8` : NDJSON)
      .header('content-disposition', `attachment; filename="products.${format}"`)
      .send(Readable.from(chunks))
  })

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
    const result = await products.deleteMany(request.body.ids, changeContext(request))
    if (result.kind === 'ok') return { deleted: result.deleted }
    throw new HttpProblem(404, `No product has id ${result.ids.join(', ')}; nothing was deleted.`, {
      errors: result.ids.map((id) => ({ in: 'body', field: `ids.${request.body.ids.indexOf(id)}`, message: `product ${id} does not exist` }))
    })
  })

  // Its own scope, so CSV and NDJSON are accepted by this route alone.
  await fastify.register(async (bulk) => {
    bulk.addContentTypeParser([NDJSON, CSV], { parseAs: 'buffer', bodyLimit: BULK_BODY_LIMIT }, (request, body, done) => {
      try {
        done(null, decodeUtf8Body(request.headers['content-type'], body as Buffer))
      } catch (error) {
        done(error as Error, undefined)
      }
    })

    bulk.post('/bulk', {
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
        // Rows are checked one by one below, so that each bad row is named; the document shows the strict shape.
        'x-json-body': 'BulkProducts',
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{1,255}$', description: 'Retry safely: the same key and body within 24 h replays the first response' }))
        }),
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
      const errors: FieldError[] = []
      const body = request.body as unknown
      const rows = Array.isArray(body)
        ? body
        : parseMediaType(request.headers['content-type'])?.type === CSV
          ? await csvRows(String(body), errors)
          : await ndjsonRows(String(body), errors)
      if (rows.length === 0) throw validationProblem([{ in: 'body', field: '', message: 'has no products' }])
      if (rows.length > MAX_BULK_ROWS) throw tooMany(rows.length)
      const failed = new Set(errors.map((error) => error.row))
      const inputs: ProductInput[] = []
      rows.forEach((row, index) => {
        const number = index + 1
        if (failed.has(number)) return
        if (!validateRow(row)) {
          for (const error of fieldErrors('body', validateRow.errors ?? [])) errors.push({ ...error, row: number })
          return
        }
        const cents = parsePrice(row.price)
        if (cents === null) {
          errors.push(rowError(number, 'price', 'must be from 0.00 to 99999.99 with at most two decimals'))
          return
        }
        inputs.push({ title: row.title.trim(), priceCents: cents, image: row.image })
      })
      if (errors.length > 0) {
        errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
        throw new HttpProblem(400, `${new Set(errors.map((e) => e.row)).size} of ${rows.length} rows are not valid; nothing was created.`, { errors })
      }
      const { idempotencyKey } = request
      const result = await products.createMany(inputs, changeContext(request), idempotencyKey && { ...idempotencyKey, respond: createdResponse })
      if (result.kind === 'key-reused') throw new HttpProblem(422, 'This Idempotency-Key was already used with a different request.')
      if (result.kind === 'replay') return reply.sendStored(result.response, true)
      if (result.response) return reply.sendStored(result.response, false)
      return reply.code(201).send({ created: result.value.length, items: result.value.map(toProductJson) })
    })
  })
}

export default productBulkRoutes
