// Bare Fastify baselines for `npm run bench`, run with plain node (no tsx in the measured path).
//
//   BASELINE_MODE=listing BASELINE_DB=<file> PORT=<port> node bench/baseline-server.mjs
//     GET /products?limit=20: the same page the API returns, from ONE prepared better-sqlite3
//     statement, serialised with a response schema.
//   BASELINE_MODE=jwt BASELINE_PUBLIC_KEY=<PEM> PORT=<port> node bench/baseline-server.mjs
//     GET /me: verifies the bearer token with fast-jwt
//     createVerifier({ key, algorithms: ['RS256'], cache: true }) and answers { sub }.
//
// Both also serve GET /health ({ status: 'ok' }), bare Fastify's ceiling on this machine.
import Database from 'better-sqlite3'
import { createVerifier } from 'fast-jwt'
import Fastify from 'fastify'
import './parent-watch.mjs'

const mode = process.env.BASELINE_MODE
const port = Number(process.env.PORT)
if (!Number.isInteger(port) || port <= 0) throw new Error('PORT is required')

const app = Fastify({ logger: false })

app.get('/health', {
  schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } }
}, async () => ({ status: 'ok' }))

const ProductSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'price', 'image', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    price: { type: 'string' },
    image: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' }
  }
}

if (mode === 'listing') {
  const path = process.env.BASELINE_DB
  if (!path) throw new Error('BASELINE_DB is required')
  const db = new Database(path, { fileMustExist: true })
  const page = db.prepare(
    'SELECT id, title, price_cents, image, created_at, updated_at FROM products WHERE id > ? ORDER BY id LIMIT ?'
  )
  const price = (cents) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
  app.get('/products', {
    schema: {
      querystring: {
        type: 'object',
        properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }
      },
      response: {
        200: {
          type: 'object',
          required: ['items', 'nextCursor'],
          properties: { items: { type: 'array', items: ProductSchema }, nextCursor: { type: ['string', 'null'] } }
        }
      }
    }
  }, async (request) => {
    const { limit } = request.query
    const rows = page.all(0, limit + 1)
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id,
      title: row.title,
      price: price(row.price_cents),
      image: row.image,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString()
    }))
    const last = items[items.length - 1]
    const nextCursor = rows.length > limit && last
      ? Buffer.from(JSON.stringify({ afterId: last.id })).toString('base64url')
      : null
    return { items, nextCursor }
  })
  app.addHook('onClose', async () => db.close())
} else if (mode === 'jwt') {
  const key = process.env.BASELINE_PUBLIC_KEY
  if (!key) throw new Error('BASELINE_PUBLIC_KEY is required')
  const verify = createVerifier({ key, algorithms: ['RS256'], cache: true })
  app.get('/me', {
    schema: {
      response: { 200: { type: 'object', required: ['sub'], properties: { sub: { type: 'string' } } } }
    }
  }, async (request, reply) => {
    const header = request.headers.authorization ?? ''
    try {
      const claims = verify(header.slice(7))
      return { sub: claims.sub }
    } catch {
      return reply.code(401).send({ sub: '' })
    }
  })
} else {
  throw new Error(`BASELINE_MODE must be listing or jwt (got ${mode})`)
}

const shutdown = () => {
  app.close().then(() => process.exit(0), () => process.exit(1))
}
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)

await app.listen({ port, host: '127.0.0.1' })
