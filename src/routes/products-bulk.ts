import { Readable } from 'node:stream'
import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { fieldErrors } from '../error-handler.js'
import { createAjv } from '../lib/ajv.js'
import { csvRows, exportChunks, MAX_BULK_ROWS, ndjsonRows, rowError, tooMany } from '../lib/bulk-formats.js'
import { idempotencyHooks } from '../lib/idempotency.js'
import { decodeUtf8Body, parseMediaType } from '../lib/media-type.js'
import { parsePrice } from '../lib/price.js'
import { type FieldError, HttpProblem, validationProblem } from '../lib/problem.js'
import { toProductJson } from '../lib/product-json.js'
import { type ProductInput, UnknownProducts } from '../repositories/product-repository.js'
import { problemResponses } from '../schemas/common.js'
import { Product as ProductSchema, ProductCreate, ProductId } from '../schemas/product.js'
import { changeContext } from './products.js'

const ADMIN = { security: [{ bearerAuth: [] }] }
// 1000 rows of the longest valid product are well under this.
export const BULK_BODY_LIMIT = 4 * 1024 * 1024
const NDJSON = 'application/x-ndjson'
const CSV = 'text/csv'

const BulkResult = Type.Object({
  created: Type.Integer({ minimum: 1 }),
  items: Type.Array(ProductSchema)
})

/** Import, export and bulk delete: the tutorial admin's bulk actions, for scripts. */
const productBulkRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { products } = fastify.store
  const idempotency = idempotencyHooks(fastify.store.idempotency)
  const validateRow = createAjv(false).compile(ProductCreate)

  fastify.get('/export', {
    schema: {
      tags: ['products'],
      summary: 'Export every product as CSV or NDJSON (streamed)',
      querystring: Type.Object(
        { format: Type.Unsafe<'csv' | 'ndjson'>({ type: 'string', enum: ['csv', 'ndjson'], default: 'ndjson' }) },
        { additionalProperties: false }
      ),
      response: {
        200: {
          description: 'Every product in id order; CSV has the header id,title,price,image,createdAt,updatedAt',
          content: { [CSV]: { schema: { type: 'string' } }, [NDJSON]: { schema: { type: 'string' } } }
        },
        ...problemResponses(400)
      }
    }
  }, async (request, reply) => {
    const { format } = request.query
    return reply
      .type(format === 'csv' ? `${CSV}; charset=utf-8` : NDJSON)
      .header('content-disposition', `attachment; filename="products.${format}"`)
      .send(Readable.from(exportChunks(products.streamAll(), format)))
  })

  fastify.post('/bulk-delete', {
    onRequest: fastify.requireAdmin,
    schema: {
      tags: ['products'],
      summary: 'Delete many products at once, all or nothing (admin)',
      ...ADMIN,
      body: Type.Object(
        { ids: Type.Array(ProductId, { minItems: 1, maxItems: MAX_BULK_ROWS }) },
        { additionalProperties: false }
      ),
      response: {
        200: Type.Object({ deleted: Type.Integer() }),
        ...problemResponses(400, 401, 403, 404, 413, 415)
      }
    }
  }, async (request) => {
    try {
      return { deleted: await products.deleteMany(request.body.ids, changeContext(request)) }
    } catch (error) {
      if (!(error instanceof UnknownProducts)) throw error
      throw new HttpProblem(404, `No product has id ${error.ids.join(', ')}; nothing was deleted.`, {
        errors: error.ids.map((id) => ({ in: 'body', field: `ids.${request.body.ids.indexOf(id)}`, message: `product ${id} does not exist` }))
      })
    }
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
      preHandler: idempotency.preHandler,
      onSend: idempotency.onSend,
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags: ['products'],
        summary: 'Create up to 1000 products at once, all or nothing (admin)',
        description:
          'A JSON array, NDJSON (one product per line) or CSV with the header title,price,image. One bad row rejects the whole batch with 400 and an errors list giving each bad row, field and reason.',
        ...ADMIN,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 255 })) }),
        body: {
          content: {
            'application/json': { schema: Type.Array(Type.Unknown(), { description: 'Products as in POST /products' }) },
            [NDJSON]: { schema: Type.String({ description: 'One product object per line' }) },
            [CSV]: { schema: Type.String({ description: 'Header title,price,image, then one product per line' }) }
          }
        },
        response: { 201: BulkResult, ...problemResponses(400, 401, 403, 409, 413, 415, 422) }
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
      const created = await products.createMany(inputs, changeContext(request))
      return reply.code(201).send({ created: created.length, items: created.map(toProductJson) })
    })
  })
}

export default productBulkRoutes
