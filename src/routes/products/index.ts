import { type TSchema, Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { changeContext } from '../../lib/change-context.js'
import { encodeCursor, readProductCursor } from '../../lib/cursor.js'
import { noneMatch, productEtag, weakEtag } from '../../lib/etag.js'
import { parsePrice } from '../../lib/price.js'
import { HttpProblem, notFound, validationProblem } from '../../lib/problem.js'
import { createProductJsonCache, toProductJson } from '../../lib/product-json.js'
import { writeBudget } from '../../plugins/external/rate-limit.js'
import { storedResponse } from '../../plugins/idempotency.js'
import { type ChangeResult, productService } from '../../services/products.js'
import type { Product as ProductRecord, ProductInput, ProductSort } from '../../store/types.js'
import { emptyResponse, HEADERS, jsonResponse, problemResponses, ref } from '../../schemas/common.js'
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
const PUBLIC = { security: [] }
const MAX_SEARCH_WORDS = 8
const NotModified = emptyResponse('Not modified: If-None-Match named the current ETag', HEADERS.etag)
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'Only change the product if its ETag is one of these (412 otherwise)', examples: ['W/"1.1"'] }))
})
const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ description: 'The ETag you hold: 304 with no body while it is still current', examples: ['W/"1.1"'] }))
})
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    pattern: '^[\\x21-\\x7e]{1,255}$',
    description: 'Retry safely: the same key and body within 24 h replays the first response',
    examples: ['order-2026-01-01-0001']
  }))
})
const READ_HEADERS = { ...HEADERS.etag, ...HEADERS.rateLimit }
// Serialised products kept for reads: enough for a catalogue's busy part, a few MB.
const JSON_CACHE_SIZE = 10_000
const JSON_TYPE = 'application/json; charset=utf-8'

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

/** PUT and PATCH: an admin's change to one product, made only at the If-Match version when one is sent. */
function changeSchema<Body extends TSchema> (operationId: string, summary: string, what: string, body: Body, done: string) {
  return {
    tags: ['products'],
    operationId,
    summary,
    description: `Admin only. ${what}; with If-Match, only if the product is still at that version.`,
    ...ADMIN,
    params: ProductParams,
    headers: IfMatchHeaders,
    body,
    response: { 200: jsonResponse(Product, `${done}; ETag names the new version`, READ_HEADERS), ...problemResponses(400, 401, 403, 404, 412, 413, 414, 415) }
  }
}

/** Sends JSON already serialised (in its response schema's shape), so Fastify does not serialise it again. */
function sendJson (reply: FastifyReply, json: string): FastifyReply {
  return reply.type(JSON_TYPE).send(json)
}

function badQuery (field: string, message: string): HttpProblem {
  return validationProblem([{ in: 'querystring', field, message }])
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
  const productJson = createProductJsonCache(JSON_CACHE_SIZE)

  // A page assembled from each product's cached JSON; the same bytes the ProductList schema gives.
  function pageJson (items: ProductRecord[], nextCursor: string | null): string {
    let json = '{"items":['
    for (let i = 0; i < items.length; i++) json += (i === 0 ? '' : ',') + productJson.json(items[i]!)
    return `${json}],"nextCursor":${nextCursor === null ? 'null' : JSON.stringify(nextCursor)}}`
  }

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
    storedResponse(201, toProductJson(product), { location: `/products/${product.id}`, etag: productEtag(product) })

  fastify.get('/', {
    schema: {
      tags: ['products'],
      operationId: 'listProducts',
      summary: 'List, search and filter products',
      description: 'Public. Follow nextCursor (with the same sort) until it is null to visit every matching product exactly once.',
      ...PUBLIC,
      querystring: ProductListQuery,
      headers: IfNoneMatchHeaders,
      response: {
        200: jsonResponse(ProductList, 'A page; the ETag covers its content', READ_HEADERS),
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
      after: readProductCursor(query.cursor, query.sort)
    })
    const nextCursor = page.next ? encodeCursor({ s: query.sort, v: page.next.value, id: page.next.id }) : null
    const etag = weakEtag(`${page.items.map((p) => `${p.id}.${p.version}`).join(',')}|${nextCursor}`)
    reply.header('etag', etag)
    if (noneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(undefined)
    return sendJson(reply, pageJson(page.items, nextCursor))
  })

  fastify.get('/:id', {
    schema: {
      tags: ['products'],
      operationId: 'getProduct',
      summary: 'Get one product',
      description: 'Public. The ETag names this version of the product: send it as If-Match to change it safely.',
      ...PUBLIC,
      params: ProductParams,
      headers: IfNoneMatchHeaders,
      response: {
        200: jsonResponse(Product, 'The product; ETag names its version', READ_HEADERS),
        304: NotModified,
        ...problemResponses(400, 404, 414)
      }
    }
  }, async (request, reply) => {
    const product = await products.get(request.params.id)
    if (!product) throw notFound(`Product ${request.params.id} does not exist.`)
    const etag = productEtag(product)
    reply.header('etag', etag)
    if (noneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(undefined)
    return sendJson(reply, productJson.json(product))
  })

  fastify.post('/', {
    onRequest: fastify.requireAdmin,
    config: { rateLimit: writeBudget },
    preHandler: fastify.idempotencyKey,
    schema: {
      tags: ['products'],
      operationId: 'createProduct',
      summary: 'Create a product (admin)',
      description: 'Admin only. Answers 201 with the product, its ETag and its Location; an Idempotency-Key makes a retry safe.',
      ...ADMIN,
      headers: IdempotencyHeaders,
      body: ref(ProductCreate),
      response: {
        201: jsonResponse(Product, 'Created; Location names the new product', { ...HEADERS.location, ...HEADERS.etag, ...HEADERS.rateLimit }),
        ...problemResponses(400, 401, 403, 413, 415, 422)
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
    config: { rateLimit: writeBudget },
    schema: changeSchema('replaceProduct', 'Replace a product (admin)', 'Sets every field', ref(ProductCreate), 'Replaced')
  }, async (request, reply) => saveChanges(request, reply, request.params.id, toInput(request.body)))

  fastify.patch('/:id', {
    onRequest: fastify.requireAdmin,
    config: { rateLimit: writeBudget },
    schema: changeSchema('updateProduct', 'Update some fields of a product (admin)', 'Changes only the fields given', ref(ProductPatch), 'Updated')
  }, async (request, reply) => saveChanges(request, reply, request.params.id, toPatch(request.body)))

  fastify.delete('/:id', {
    onRequest: fastify.requireAdmin,
    config: { rateLimit: writeBudget },
    schema: {
      tags: ['products'],
      operationId: 'deleteProduct',
      summary: 'Delete a product (admin)',
      description: 'Admin only. Its audit history is kept; with If-Match, only if the product is still at that version.',
      ...ADMIN,
      params: ProductParams,
      headers: IfMatchHeaders,
      response: { 204: emptyResponse('Deleted; no body', HEADERS.rateLimit), ...problemResponses(400, 401, 403, 404, 412, 413, 414, 415) }
    }
  }, async (request, reply) => {
    const { id } = request.params
    changed(id, await products.delete(id, changeContext(request), request.headers['if-match']))
    return reply.code(204).send(undefined)
  })
}

export default productRoutes
