import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'
import { formatPrice, parsePrice } from '../lib/price.js'
import { notFound, validationProblem } from '../lib/problem.js'
import type { Product as ProductRecord, ProductInput } from '../repositories/product-repository.js'
import { problemResponses } from '../schemas/common.js'
import {
  Product,
  ProductCreate,
  type ProductCreateBody,
  type ProductJson,
  ProductList,
  ProductListQuery,
  ProductParams,
  ProductPatch,
  type ProductPatchBody
} from '../schemas/product.js'

const ADMIN = { security: [{ bearerAuth: [] }] }

export function toProductJson (product: ProductRecord): ProductJson {
  return {
    id: product.id,
    title: product.title,
    price: formatPrice(product.priceCents),
    image: product.image,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString()
  }
}

function priceCents (price: string | number): number {
  const cents = parsePrice(price)
  if (cents === null || cents > 9_999_999) {
    throw validationProblem([{ in: 'body', field: 'price', message: 'must be from 0.00 to 99999.99 with at most two decimals' }])
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

function afterIdFromCursor (cursor: string | undefined): number | null {
  if (cursor === undefined) return null
  const position = decodeCursor(cursor)
  const afterId = position?.afterId
  if (typeof afterId !== 'number' || !Number.isSafeInteger(afterId) || afterId < 0) {
    throw validationProblem([{ in: 'querystring', field: 'cursor', message: 'is not a cursor this API issued' }])
  }
  return afterId
}

const productRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { products } = fastify.store

  fastify.get('/', {
    schema: {
      tags: ['products'],
      summary: 'List products',
      description: 'Public. Pages in id order; follow nextCursor until it is null to see every product exactly once.',
      querystring: ProductListQuery,
      response: { 200: ProductList, ...problemResponses(400) }
    }
  }, async (request) => {
    const page = await products.list({ limit: request.query.limit, afterId: afterIdFromCursor(request.query.cursor) })
    return {
      items: page.items.map(toProductJson),
      nextCursor: page.nextAfterId === null ? null : encodeCursor({ afterId: page.nextAfterId })
    }
  })

  fastify.get('/:id', {
    schema: {
      tags: ['products'],
      summary: 'Get one product',
      params: ProductParams,
      response: { 200: Product, ...problemResponses(400, 404, 414) }
    }
  }, async (request) => {
    const product = await products.get(request.params.id)
    if (!product) throw notFound(`Product ${request.params.id} does not exist.`)
    return toProductJson(product)
  })

  fastify.post('/', {
    onRequest: fastify.requireAdmin,
    schema: {
      tags: ['products'],
      summary: 'Create a product (admin)',
      ...ADMIN,
      body: ProductCreate,
      response: {
        201: Type.Object(Product.properties, { description: 'Created; Location names the new product' }),
        ...problemResponses(400, 401, 403, 413, 415)
      }
    }
  }, async (request, reply) => {
    const product = await products.create(toInput(request.body))
    return reply.code(201).header('location', `/products/${product.id}`).send(toProductJson(product))
  })

  fastify.put('/:id', {
    onRequest: fastify.requireAdmin,
    schema: {
      tags: ['products'],
      summary: 'Replace a product (admin)',
      ...ADMIN,
      params: ProductParams,
      body: ProductCreate,
      response: { 200: Product, ...problemResponses(400, 401, 403, 404, 413, 414, 415) }
    }
  }, async (request) => {
    const product = await products.replace(request.params.id, toInput(request.body))
    if (!product) throw notFound(`Product ${request.params.id} does not exist.`)
    return toProductJson(product)
  })

  fastify.patch('/:id', {
    onRequest: fastify.requireAdmin,
    schema: {
      tags: ['products'],
      summary: 'Update some fields of a product (admin)',
      ...ADMIN,
      params: ProductParams,
      body: ProductPatch,
      response: { 200: Product, ...problemResponses(400, 401, 403, 404, 413, 414, 415) }
    }
  }, async (request) => {
    const product = await products.update(request.params.id, toPatch(request.body))
    if (!product) throw notFound(`Product ${request.params.id} does not exist.`)
    return toProductJson(product)
  })

  fastify.delete('/:id', {
    onRequest: fastify.requireAdmin,
    schema: {
      tags: ['products'],
      summary: 'Delete a product (admin)',
      ...ADMIN,
      params: ProductParams,
      response: { 204: Type.Null({ description: 'Deleted; no body' }), ...problemResponses(400, 401, 403, 404, 414) }
    }
  }, async (request, reply) => {
    if (!(await products.delete(request.params.id))) throw notFound(`Product ${request.params.id} does not exist.`)
    return reply.code(204).send(null)
  })
}

export default productRoutes
