import { type TSchema, Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { changeContext } from '../../http/change-context.js'
import { changedProduct, invalidProblem, keyReusedProblem } from '../../http/product-outcomes.js'
import { encodeCursor, readProductCursor } from '../../http/cursor.js'
import { noneMatch, parseIfMatch, productEtag, weakEtag } from '../../lib/etag.js'
import { notFound } from '../../http/problem.js'
import { toProductJson } from '../../lib/product-json.js'
import { writeBudget } from '../../plugins/external/rate-limit.js'
import type { Product as ProductRecord, ProductSort } from '../../store/types.js'
import { emptyResponse, HEADERS, idempotencyKeyHeaders, jsonResponse, problemResponses, ref } from '../../schemas/common.js'
import { Product, ProductCreate, ProductList, ProductListQuery, ProductParams, ProductPatch, type SortParam } from '../../schemas/product.js'

const ADMIN = { security: [{ bearerAuth: [] }] }
const PUBLIC = { security: [] }
const NotModified = emptyResponse('Not modified: If-None-Match named the current ETag', HEADERS.etag)
const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'Only change the product if its ETag is one of these (412 otherwise)', examples: ['W/"1.1"'] }))
})
const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ description: 'The ETag you hold: 304 with no body while it is still current', examples: ['W/"1.1"'] }))
})
const IdempotencyHeaders = idempotencyKeyHeaders({ examples: ['order-2026-01-01-0001'] })
const READ_HEADERS = { ...HEADERS.etag, ...HEADERS.rateLimit }

function parseSort (sort: SortParam): ProductSort {
  const descending = sort.startsWith('-')
  return { field: (descending ? sort.slice(1) : sort) as ProductSort['field'], descending }
}

/** 201 with the product, its ETag and its Location: the first answer and every replay of it. */
function sendCreated (reply: FastifyReply, product: ProductRecord, replayed: boolean): FastifyReply {
  if (replayed) reply.header('idempotent-replayed', 'true')
  return reply
    .code(201)
    .header('location', `/products/${product.id}`)
    .header('etag', productEtag(product))
    .send(toProductJson(product))
}

const listProducts: FastifyPluginAsyncTypebox = async (fastify) => {
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
    const after = readProductCursor(query.cursor, query.sort)
    const outcome = await fastify.products.list({ ...query, sort: parseSort(query.sort), after })
    if (outcome.status === 'invalid') throw invalidProblem(outcome.errors, 'querystring')
    const { items, next } = outcome.page
    const nextCursor = next ? encodeCursor({ s: query.sort, v: next.value, id: next.id }) : null
    const etag = weakEtag(`${items.map((p) => `${p.id}.${p.version}`).join(',')}|${nextCursor}`)
    reply.header('etag', etag)
    if (noneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(undefined)
    return { items: items.map(toProductJson), nextCursor }
  })
}

const getProduct: FastifyPluginAsyncTypebox = async (fastify) => {
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
    const product = await fastify.products.get(request.params.id)
    if (!product) throw notFound(`Product ${request.params.id} does not exist.`)
    const etag = productEtag(product)
    reply.header('etag', etag)
    if (noneMatch(request.headers['if-none-match'], etag)) return reply.code(304).send(undefined)
    return toProductJson(product)
  })
}

const createProduct: FastifyPluginAsyncTypebox = async (fastify) => {
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
    const outcome = await fastify.products.create(request.body, changeContext(request), request.idempotencyKey)
    if (outcome.status === 'invalid') throw invalidProblem(outcome.errors, 'body')
    if (outcome.status === 'key-reused') throw keyReusedProblem()
    return sendCreated(reply, outcome.value, outcome.status === 'replayed')
  })
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

// PUT (every field) and PATCH (some) differ only in which fields they change.
const changeProduct: FastifyPluginAsyncTypebox = async (fastify) => {
  const put = changeSchema('replaceProduct', 'Replace a product (admin)', 'Sets every field', ref(ProductCreate), 'Replaced')
  const patch = changeSchema('updateProduct', 'Update some fields of a product (admin)', 'Changes only the fields given', ref(ProductPatch), 'Updated')
  for (const [method, schema] of [['PUT', put], ['PATCH', patch]] as const) {
    fastify.route({
      method,
      url: '/:id',
      onRequest: fastify.requireAdmin,
      config: { rateLimit: writeBudget },
      schema,
      handler: async (request, reply) => {
        const { id } = request.params
        const outcome = await fastify.products.update(id, request.body, changeContext(request), parseIfMatch(request.headers['if-match']))
        const product = changedProduct(id, outcome)
        return reply.header('etag', productEtag(product)).send(toProductJson(product))
      }
    })
  }
}

const deleteProduct: FastifyPluginAsyncTypebox = async (fastify) => {
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
    changedProduct(id, await fastify.products.delete(id, changeContext(request), parseIfMatch(request.headers['if-match'])))
    return reply.code(204).send(undefined)
  })
}

/** The catalogue: list and read (public), create, change and delete (admin). */
const productRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  await fastify.register(listProducts)
  await fastify.register(getProduct)
  await fastify.register(createProduct)
  await fastify.register(changeProduct)
  await fastify.register(deleteProduct)
}

export default productRoutes
