import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { changeContext } from '../../lib/change-context.js'
import { decodeCursor, encodeCursor } from '../../lib/cursor.js'
import { noneMatch, productEtag, weakEtag } from '../../lib/etag.js'
import { parsePrice } from '../../lib/price.js'
import { HttpProblem, notFound, validationProblem } from '../../lib/problem.js'
import { toProductJson } from '../../lib/product-json.js'
import { jsonResponse } from '../../plugins/idempotency.js'
import { type ChangeResult, productService } from '../../services/products.js'
import type { Product as ProductRecord, ProductInput, ProductPosition, ProductSort } from '../../store/types.js'
import { problemResponses } from '../../schemas/common.js'
import {
  Product,
  ProductCreate,
  type ProductCreateBody,
  ProductList,
  ProductListQuery,
  ProductParams,
  ProductPatch,
  type ProductPatchBody,
  type SortParam
} from '../../schemas/product.js'

const ADMIN = { security: [{ bearerAuth: [] }] }
const MAX_SEARCH_WORDS = 8
const NotModified = Type.Null({ description: 'Not modified: If-None-Match named the current ETag' })
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'Only change the product if its ETag is one of these (412 otherwise)' }))
})
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ maxLength: 255, description: 'Retry safely: the same key and body within 24 h replays the first response' }))
})

function priceCents (price: string | number, field = 'price'): number {
  const cents = parsePrice(price)
  if (cents === null) {
    throw validationProblem([{ in: 'body', field, message: 'must be from 0.00 to 99999.99 with at most two decimals' }])
  }
  return cents
}

function toInput (body: ProductCreateBody): ProductInput {
  return { title: body.title.trim(), priceCents: priceCents(body.price), image: body.image }
}

function toPatch (body: ProductPatchBody): Partial<ProductInput> {
  const patch: Partial<ProductInput> = {}
  if (body.title !== undefined) patch.title = body.title.trim()
  if (body.price !== undefined) patch.priceCents = priceCents(body.price)
  if (body.image !== undefined) patch.image = body.image
  return patch
}

function parseSort (sort: SortParam): ProductSort {
  const descending = sort.startsWith('-')
  return { field: (descending ? sort.slice(1) : sort) as ProductSort['field'], descending }
}

function badQuery (field: string, message: string): HttpProblem {
  return validationProblem([{ in: 'querystring', field, message }])
}

// A cursor carries the sort it was made for: used with another sort it would skip or repeat.
function positionFromCursor (cursor: string | undefined, sort: SortParam): ProductPosition | null {
  if (cursor === undefined) return null
  const position = decodeCursor(cursor)
  const { s, v, id } = position ?? {}
  const validValue = typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v))
  if (!validValue || typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw badQuery('cursor', 'is not a cursor this API issued')
  }
  if (s !== sort) throw badQuery('cursor', `was issued for sort=${String(s)}, not sort=${sort}`)
  return { value: v as string | number, id }
}

function searchWords (q: string | undefined): string[] {
  if (q === undefined) return []
  const words = [...new Set(q.toLowerCase().split(/\s+/).filter(Boolean))]
  if (words.length > MAX_SEARCH_WORDS) throw badQuery('q', `has more than ${MAX_SEARCH_WORDS} words`)
  return words
}

function filterCents (value: string | undefined): number | null {
  return value === undefined ? null : parsePrice(value)
}

const productRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const products = productService(fastify.store)

  function preconditionFailed (current: ProductRecord): HttpProblem {
    return new HttpProblem(412, `If-Match does not match the current ETag ${productEtag(current)}; fetch the product again.`, {
      headers: { etag: productEtag(current) }
    })
  }

  /** A change's result as HTTP: the product, or 404, or 412 naming the current ETag. */
  function changed (id: number, result: ChangeResult): ProductRecord {
    if (result.kind === 'not-found') throw notFound(`Product ${id} does not exist.`)
    if (result.kind === 'stale') throw preconditionFailed(result.current)
    return result.product
  }

  // PUT (every field) and PATCH (some) differ only in which fields they change.
  async function saveChanges (request: FastifyRequest, reply: FastifyReply, id: number, changes: Partial<ProductInput>) {
    const product = changed(id, await products.update(id, changes, changeContext(request), request.headers['if-match']))
    return reply.header('etag', productEtag(product)).send(toProductJson(product))
  }

  const createdResponse = (product: ProductRecord) =>
    jsonResponse(201, toProductJson(product), { location: `/products/${product.id}`, etag: productEtag(product) })

  fastify.get('/', {
    schema: {
      tags: ['products'],
      summary: 'List, search and filter products',
      description: 'Public. Follow nextCursor (with the same sort) until it is null to visit every matching product exactly once.',
      querystring: ProductListQuery,
      response: {
        200: Type.Object(ProductList.properties, { description: 'A page; the ETag covers its content' }),
        304: NotModified,
        ...problemResponses(400)
      }
    }
  }, async (request, reply) => {
    const { query } = request
    const minPriceCents = filterCents(query.minPrice)
    const maxPriceCents = filterCents(query.maxPrice)
    if (minPriceCents !== null && maxPriceCents !== null && minPriceCents > maxPriceCents) {
      throw badQuery('minPrice', 'must not be greater than maxPrice')
    }
    const page = await products.list({
      limit: query.limit,
      sort: parseSort(query.sort),
      words: searchWords(query.q),
      minPriceCents,
      maxPriceCents,
      after: positionFromCursor(query.cursor, query.sort)
    })
    const nextCursor = page.next ? encodeCursor({ s: query.sort, v: page.next.value, id: page.next.id }) : null
    const etag = weakEtag(`${page.items.map((p) => `${p.id}.${p.version}`).join(',')}|${nextCursor}`)
    reply.header('etag', etag)
    if (noneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(null)
    return { items: page.items.map(toProductJson), nextCursor }
  })

  fastify.get('/:id', {
    schema: {
      tags: ['products'],
      summary: 'Get one product',
      params: ProductParams,
      response: {
        200: Type.Object(Product.properties, { description: 'The product; ETag names its version' }),
        304: NotModified,
        ...problemResponses(400, 404, 414)
      }
    }
  }, async (request, reply) => {
    const product = await products.get(request.params.id)
    if (!product) throw notFound(`Product ${request.params.id} does not exist.`)
    const etag = productEtag(product)
    reply.header('etag', etag)
    if (noneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(null)
    return toProductJson(product)
  })

  fastify.post('/', {
    onRequest: fastify.requireAdmin,
    preHandler: fastify.idempotencyKey,
    schema: {
      tags: ['products'],
      summary: 'Create a product (admin)',
      ...ADMIN,
      headers: IdempotencyHeaders,
      body: ProductCreate,
      response: {
        201: Type.Object(Product.properties, { description: 'Created; Location names the new product' }),
        ...problemResponses(400, 401, 403, 409, 413, 415, 422)
      }
    }
  }, async (request, reply) => {
    const { idempotencyKey } = request
    const result = await products.create(toInput(request.body), changeContext(request), idempotencyKey && { ...idempotencyKey, respond: createdResponse })
    if (result.kind === 'key-reused') throw new HttpProblem(422, 'This Idempotency-Key was already used with a different request.')
    if (result.kind === 'replay') return reply.sendStored(result.response, true)
    if (result.response) return reply.sendStored(result.response, false)
    const product = result.value
    return reply
      .code(201)
      .header('location', `/products/${product.id}`)
      .header('etag', productEtag(product))
      .send(toProductJson(product))
  })

  fastify.put('/:id', {
    onRequest: fastify.requireAdmin,
    schema: {
      tags: ['products'],
      summary: 'Replace a product (admin)',
      ...ADMIN,
      params: ProductParams,
      headers: IfMatchHeaders,
      body: ProductCreate,
      response: { 200: Product, ...problemResponses(400, 401, 403, 404, 412, 413, 414, 415) }
    }
  }, async (request, reply) => saveChanges(request, reply, request.params.id, toInput(request.body)))

  fastify.patch('/:id', {
    onRequest: fastify.requireAdmin,
    schema: {
      tags: ['products'],
      summary: 'Update some fields of a product (admin)',
      ...ADMIN,
      params: ProductParams,
      headers: IfMatchHeaders,
      body: ProductPatch,
      response: { 200: Product, ...problemResponses(400, 401, 403, 404, 412, 413, 414, 415) }
    }
  }, async (request, reply) => saveChanges(request, reply, request.params.id, toPatch(request.body)))

  fastify.delete('/:id', {
    onRequest: fastify.requireAdmin,
    schema: {
      tags: ['products'],
      summary: 'Delete a product (admin)',
      ...ADMIN,
      params: ProductParams,
      headers: IfMatchHeaders,
      response: { 204: Type.Null({ description: 'Deleted; no body' }), ...problemResponses(400, 401, 403, 404, 412, 413, 414, 415) }
    }
  }, async (request, reply) => {
    const { id } = request.params
    changed(id, await products.delete(id, changeContext(request), request.headers['if-match']))
    return reply.code(204).send(null)
  })
}

export default productRoutes
