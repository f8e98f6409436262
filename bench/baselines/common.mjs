// What both baselines share: the data source named by DATABASE_URL, the four routes the
// paired scenarios load (the same paths and response shapes as the API's), and listening.
// Plain node, no tsx, so that nothing but the baseline itself is in the measured path.
import { createVerifier } from 'fast-jwt'
import '../parent-watch.mjs'

const Product = {
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

const nullableString = { type: ['string', 'null'] }
const strings = { type: 'array', items: { type: 'string' } }

// The API's /me: who the token says the caller is. Name, email and picture come from the
// token's claims when it has them (the API asks the issuer's /userinfo, once per subject).
const Me = {
  type: 'object',
  required: ['sub', 'name', 'email', 'picture', 'roles', 'permissions', 'isAdmin'],
  properties: { sub: { type: 'string' }, name: nullableString, email: nullableString, picture: nullableString, roles: strings, permissions: strings, isAdmin: { type: 'boolean' } }
}

function list (value) {
  return Array.isArray(value) ? value : []
}

function me (claims, roleClaim) {
  const roles = list(claims[roleClaim])
  const permissions = list(claims.permissions)
  return {
    sub: claims.sub,
    name: claims.name ?? null,
    email: claims.email ?? null,
    picture: claims.picture ?? null,
    roles,
    permissions,
    isAdmin: roles.includes('admin') || permissions.includes('write:products')
  }
}

const ProductList = {
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: Product }, nextCursor: { type: ['string', 'null'] } }
}

function price (cents) {
  const value = Number(cents)
  return `${Math.trunc(value / 100)}.${String(value % 100).padStart(2, '0')}`
}

// SQLite keeps epoch milliseconds; PostgreSQL may give a Date (timestamptz) or a string (bigint).
function isoTime (value) {
  return (value instanceof Date ? value : new Date(Number(value))).toISOString()
}

function toProduct (row) {
  return { id: Number(row.id), title: row.title, price: price(row.price_cents), image: row.image, createdAt: isoTime(row.created_at), updatedAt: isoTime(row.updated_at) }
}

/** The store named by DATABASE_URL: file:<path> (better-sqlite3) or postgres://... (pg). */
export async function openSource (databaseUrl) {
  if (!databaseUrl) throw new Error('DATABASE_URL is required')
  if (databaseUrl.startsWith('file:')) return (await import('./sqlite-source.mjs')).openSqliteSource(databaseUrl.slice(5))
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return (await import('./pg-source.mjs')).openPgSource(databaseUrl)
  throw new Error(`DATABASE_URL must be file:<path> or postgres://... (got ${databaseUrl})`)
}

/**
 * GET /health, GET /products?limit=N, GET /products/:id and GET /me on app. `/me` verifies
 * the bearer token with fast-jwt and a key given once (cache: true holds 1000 tokens), and
 * reads the roles from the claim named `roleClaim`.
 * `probe` is spread into /health's route options, `read` into the other three's: each
 * baseline puts its read budget there, as the API exempts its probes.
 */
export function registerRoutes (app, { source, publicKeyPem, roleClaim = 'https://store-api/roles', probe = {}, read = {} }) {
  if (!publicKeyPem) throw new Error('PUBLIC_KEY_PEM is required')
  const verify = createVerifier({ key: publicKeyPem, algorithms: ['RS256'], cache: true })

  app.get('/health', {
    ...probe,
    schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } } }
  }, async () => ({ status: 'ok' }))

  app.get('/products', {
    ...read,
    schema: {
      querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } },
      response: { 200: ProductList }
    }
  }, async (request) => {
    const { limit } = request.query
    const rows = await source.page(limit + 1)
    const items = rows.slice(0, limit).map(toProduct)
    const last = items[items.length - 1]
    const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify({ s: 'id', v: last.id, id: last.id })).toString('base64url') : null
    return { items, nextCursor }
  })

  app.get('/products/:id', {
    ...read,
    schema: {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      response: { 200: Product }
    }
  }, async (request, reply) => {
    const row = await source.one(request.params.id)
    if (!row) return reply.code(404).send()
    return toProduct(row)
  })

  app.get('/me', {
    ...read,
    schema: { response: { 200: Me } }
  }, async (request, reply) => {
    let claims
    try {
      claims = verify((request.headers.authorization ?? '').slice(7))
    } catch {
      return reply.code(401).type('application/problem+json').send('{"status":401,"title":"Unauthorized"}')
    }
    return me(claims, roleClaim)
  })

  app.addHook('onClose', async () => source.close())
}

/** Listens on 127.0.0.1:PORT; SIGTERM or SIGINT closes the server and the source. */
export async function serve (app) {
  const port = Number(process.env.PORT)
  if (!Number.isInteger(port) || port <= 0) throw new Error('PORT is required')
  const shutdown = () => {
    app.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
  await app.listen({ port, host: '127.0.0.1' })
}
