import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { startApp, startIssuer } from '../helpers/app.js'

// Every response header the document promises is really sent: for each operation's success
// and for each documented error status, a real request over HTTP produces that status and
// every header documented for it must be on the answer.

type Spec = {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { headers?: Record<string, unknown> }> }>>
}
const spec = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as Spec
const operations = Object.values(spec.paths).flatMap((item) => Object.values(item))
const byId = new Map(operations.map((operation) => [operation.operationId, operation]))

interface Call { method?: string; path: string; token?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string }
type Recipe = { operationId: string; status: number; call: () => Call }

const PRODUCT = { title: 'Header Lamp', price: '10.00', image: 'https://example.com/lamp.jpg' }

async function send (base: string, call: Call): Promise<Response> {
  const headers: Record<string, string> = { ...call.headers }
  if (call.token) headers.authorization = `Bearer ${call.token}`
  let body: string | undefined = call.rawBody
  if (call.body !== undefined) {
    body = JSON.stringify(call.body)
    headers['content-type'] ??= 'application/json'
  }
  const response = await fetch(`${base}${call.path}`, { method: call.method ?? 'GET', headers, body })
  await response.arrayBuffer()
  return response
}

async function listen (app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

function documentedHeaders (operationId: string, status: number): string[] {
  return Object.keys(byId.get(operationId)?.responses[String(status)]?.headers ?? {})
}

t.test('every documented response header is sent, on every operation and every error status', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const base = await listen(app)
  const admin = issuer.adminToken()
  const user = issuer.userToken()
  const created = await (await fetch(`${base}/products`, {
    method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(PRODUCT)
  })).json() as { id: number }
  const id = created.id
  const spare = async () => ((await (await fetch(`${base}/products`, {
    method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(PRODUCT)
  })).json()) as { id: number }).id
  const etag = (await fetch(`${base}/products/${id}`)).headers.get('etag') ?? ''
  const toDelete = [await spare(), await spare(), await spare()]
  await send(base, { method: 'POST', path: '/products', token: admin, headers: { 'idempotency-key': 'used-once' }, body: PRODUCT })
  const listEtag = (await fetch(`${base}/products`)).headers.get('etag') ?? ''
  // A feed cursor from before a deletion whose tombstone was then purged: 410.
  const staleCursor = ((await (await fetch(`${base}/products/changes`)).json()) as { nextCursor: string }).nextCursor
  await send(base, { method: 'DELETE', path: `/products/${await spare()}`, token: admin })
  await app.store.products.purgeTombstones(new Date(Date.now() + 1000))

  const recipes: Recipe[] = [
    { operationId: 'listProducts', status: 200, call: () => ({ path: '/products' }) },
    { operationId: 'listProducts', status: 304, call: () => ({ path: '/products', headers: { 'if-none-match': listEtag } }) },
    { operationId: 'getProduct', status: 200, call: () => ({ path: `/products/${id}` }) },
    { operationId: 'getProduct', status: 304, call: () => ({ path: `/products/${id}`, headers: { 'if-none-match': etag } }) },
    { operationId: 'createProduct', status: 201, call: () => ({ method: 'POST', path: '/products', token: admin, body: PRODUCT }) },
    { operationId: 'replaceProduct', status: 200, call: () => ({ method: 'PUT', path: `/products/${toDelete[0]}`, token: admin, body: PRODUCT }) },
    { operationId: 'updateProduct', status: 200, call: () => ({ method: 'PATCH', path: `/products/${toDelete[0]}`, token: admin, body: { price: '11.00' } }) },
    { operationId: 'deleteProduct', status: 204, call: () => ({ method: 'DELETE', path: `/products/${toDelete[0]}`, token: admin }) },
    { operationId: 'importProducts', status: 201, call: () => ({ method: 'POST', path: '/products/bulk', token: admin, body: [PRODUCT] }) },
    { operationId: 'exportProducts', status: 200, call: () => ({ path: '/products/export?format=csv' }) },
    { operationId: 'deleteProducts', status: 200, call: () => ({ method: 'POST', path: '/products/bulk-delete', token: admin, body: { ids: [toDelete[1]] } }) },
    { operationId: 'listProductChanges', status: 200, call: () => ({ path: '/products/changes?limit=2' }) },
    { operationId: 'listProductChanges', status: 410, call: () => ({ path: `/products/changes?since=${staleCursor}` }) },
    { operationId: 'getProductHistory', status: 200, call: () => ({ path: `/products/${id}/history`, token: admin }) },
    { operationId: 'listAuditEntries', status: 200, call: () => ({ path: '/admin/audit', token: admin }) },
    { operationId: 'listUsers', status: 200, call: () => ({ path: '/admin/users', token: admin }) },
    { operationId: 'getUser', status: 200, call: () => ({ path: '/admin/users/auth0%7Cadmin-1', token: admin }) },
    { operationId: 'getMe', status: 200, call: () => ({ path: '/me', token: user }) },
    { operationId: 'logout', status: 200, call: () => ({ method: 'POST', path: '/logout', token: issuer.userToken({ sub: 'auth0|leaving' }) }) },
    { operationId: 'health', status: 200, call: () => ({ path: '/health' }) },
    { operationId: 'ready', status: 200, call: () => ({ path: '/ready' }) },
    { operationId: 'listProducts', status: 400, call: () => ({ path: '/products?limit=0' }) },
    { operationId: 'getMe', status: 401, call: () => ({ path: '/me' }) },
    { operationId: 'createProduct', status: 403, call: () => ({ method: 'POST', path: '/products', token: user, body: PRODUCT }) },
    { operationId: 'getProduct', status: 404, call: () => ({ path: '/products/999999' }) },
    { operationId: 'updateProduct', status: 412, call: () => ({ method: 'PATCH', path: `/products/${id}`, token: admin, headers: { 'if-match': '"stale"' }, body: { price: '1.00' } }) },
    { operationId: 'createProduct', status: 413, call: () => ({ method: 'POST', path: '/products', token: admin, body: { ...PRODUCT, title: 'x'.repeat(1_100_000) } }) },
    { operationId: 'getProduct', status: 414, call: () => ({ path: `/products/${'9'.repeat(300)}` }) },
    { operationId: 'createProduct', status: 415, call: () => ({ method: 'POST', path: '/products', token: admin, headers: { 'content-type': 'text/plain' }, rawBody: 'lamp' }) },
    { operationId: 'createProduct', status: 422, call: () => ({ method: 'POST', path: '/products', token: admin, headers: { 'idempotency-key': 'used-once' }, body: { ...PRODUCT, price: '2.00' } }) }
  ]

  const covered = new Set(recipes.map((recipe) => `${recipe.operationId} ${recipe.status}`))
  for (const operation of operations) {
    const success = Object.keys(operation.responses).filter((status) => /^[23]/.test(status))
    for (const status of success) t.ok(covered.has(`${operation.operationId} ${status}`), `${operation.operationId} ${status} is exercised`)
  }
  const errorStatuses = new Set(operations.flatMap((operation) => Object.keys(operation.responses).filter((status) => /^[45]/.test(status))))
  const errorRecipes = new Set(recipes.filter((recipe) => recipe.status >= 400).map((recipe) => String(recipe.status)))
  for (const status of errorStatuses) {
    if (['429', '500', '503'].includes(status)) continue // below
    t.ok(errorRecipes.has(status), `a documented ${status} is exercised`)
  }

  for (const recipe of recipes) {
    const response = await send(base, recipe.call())
    const name = `${recipe.operationId} ${recipe.status}`
    t.equal(response.status, recipe.status, `${name}: the request produces ${recipe.status}`)
    const headers = documentedHeaders(recipe.operationId, recipe.status)
    t.ok(headers.includes('X-Request-Id'), `${name} documents X-Request-Id`)
    for (const header of headers) t.ok(response.headers.get(header), `${name} sends ${header}`)
  }

  // A 500: the one fault no real input can cause, so the repository is made to fail.
  app.store.products.get = async () => { throw new Error('injected fault') }
  const failed = await send(base, { path: `/products/${id}` })
  t.equal(failed.status, 500)
  for (const header of documentedHeaders('getProduct', 500)) t.ok(failed.headers.get(header), `getProduct 500 sends ${header}`)

  await app.store.close()
  const down = await send(base, { path: '/products' })
  t.equal(down.status, 503)
  for (const header of documentedHeaders('listProducts', 503)) t.ok(down.headers.get(header), `listProducts 503 sends ${header}`)
})

t.test('a 429 sends Retry-After and the RateLimit headers it documents', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { RATE_LIMIT_READS: '1' })
  const base = await listen(app)
  t.equal((await send(base, { path: '/products' })).status, 200)
  const refused = await send(base, { path: '/products' })
  t.equal(refused.status, 429)
  const headers = documentedHeaders('listProducts', 429)
  t.ok(headers.includes('Retry-After') && headers.includes('RateLimit-Limit'), 'documented')
  for (const header of headers) t.ok(refused.headers.get(header), `listProducts 429 sends ${header}`)
})

function raw (base: string, head: string): Promise<string> {
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(head))
    let data = ''
    socket.on('data', (chunk) => { data += chunk.toString() })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
}

t.test('a 304 has no body, no Content-Type and no Content-Length, on the wire', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const base = await listen(app)
  await send(base, { method: 'POST', path: '/products', token: issuer.adminToken(), body: PRODUCT })
  for (const path of ['/products', '/products/1']) {
    const etag = (await fetch(`${base}${path}`)).headers.get('etag')
    const answer = await raw(base, `GET ${path} HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\nConnection: close\r\n\r\n`)
    const [head, body] = answer.split('\r\n\r\n')
    t.match(head, /^HTTP\/1\.1 304 /, `${path}: 304`)
    t.notMatch(head, /^content-type:/im, `${path}: no Content-Type`)
    t.notMatch(head, /^content-length:/im, `${path}: no Content-Length`)
    t.match(head, /^etag: /im, `${path}: the ETag`)
    t.equal(body, '', `${path}: no body`)
  }
})

t.test("answers to what Node's parser refuses carry X-Request-Id and the security headers", async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const base = await listen(app)
  const normal = await fetch(`${base}/health`)
  const security = ['content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options']
  for (const header of security) t.ok(normal.headers.get(header), `a normal answer has ${header}`)
  const answers = [
    await raw(base, `GET /products?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
    await raw(base, 'NOT-HTTP\r\n\r\n')
  ]
  const ids = new Set<string>()
  for (const answer of answers) {
    const head = answer.split('\r\n\r\n')[0] ?? ''
    const id = /^x-request-id: (.+)$/im.exec(head)?.[1]
    t.ok(id, `${head.split('\r\n')[0]}: X-Request-Id`)
    if (id) ids.add(id)
    t.match(answer, new RegExp(`"requestId":"${id}"`), 'the body quotes the same id')
    for (const header of security) t.equal(new RegExp(`^${header}: (.+)$`, 'im').exec(head)?.[1], normal.headers.get(header), `${header} as on every answer`)
  }
  t.equal(ids.size, 2, 'each answer has its own id')
})
