import { readFileSync } from 'node:fs'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'

const PRODUCT = { title: 'Lamp', price: '12.00', image: 'https://example.com/lamp.jpg' }
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete'])

type Spec = { paths: Record<string, Record<string, { operationId: string }>> }
const spec = JSON.parse(readFileSync(new URL('../../../openapi/openapi.json', import.meta.url), 'utf8')) as Spec
const writeOperations = Object.values(spec.paths).flatMap((item) =>
  Object.entries(item).filter(([method]) => WRITE_METHODS.has(method)).map(([, operation]) => operation.operationId))

// One request per write operation, for a product that does not exist where that is enough;
// logout last, as it revokes the token.
const WRITES: Record<string, { method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object }> = {
  createProduct: { method: 'POST', url: '/products', payload: PRODUCT },
  replaceProduct: { method: 'PUT', url: '/products/999', payload: PRODUCT },
  updateProduct: { method: 'PATCH', url: '/products/999', payload: { price: '1.00' } },
  deleteProduct: { method: 'DELETE', url: '/products/999' },
  importProducts: { method: 'POST', url: '/products/bulk', payload: [PRODUCT] },
  deleteProducts: { method: 'POST', url: '/products/bulk-delete', payload: { ids: [999] } },
  logout: { method: 'POST', url: '/logout', payload: {} }
}

t.test('every write operation in the document spends the one write budget of its subject; reads the read budget', async (t) => {
  t.same(writeOperations.toSorted(), Object.keys(WRITES).toSorted(), 'a request below for every write operation')
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { RATE_LIMIT_READS: '50', RATE_LIMIT_WRITES: String(writeOperations.length) })
  const writer = bearer(issuer.adminToken({ sub: 'auth0|writer' }))
  const remaining: number[] = []
  for (const [operation, call] of Object.entries(WRITES)) {
    const res = await app.inject({ ...call, headers: writer })
    t.equal(res.headers['ratelimit-limit'], String(writeOperations.length), `${operation} (${res.statusCode}) shows the write budget`)
    remaining.push(Number(res.headers['ratelimit-remaining']))
  }
  t.same(remaining, writeOperations.map((_, i) => writeOperations.length - 1 - i), 'one budget, counted down across them all')
  // A token of its own (jti): within the same second the writer's first one is byte for byte
  // the token the logout above revoked, which would answer 401 before the budget is looked at.
  const over = await app.inject({ method: 'POST', url: '/products', headers: bearer(issuer.adminToken({ sub: 'auth0|writer', jti: 'after-logout' })), payload: PRODUCT })
  t.equal(over.statusCode, 429, 'the next write of that subject')
  const other = await app.inject({ method: 'POST', url: '/products', headers: bearer(issuer.adminToken({ sub: 'auth0|other' })), payload: PRODUCT })
  t.equal(other.statusCode, 201, 'another subject has its own')
  const read = await app.inject({ method: 'GET', url: '/products' })
  t.equal(read.headers['ratelimit-limit'], '50', 'a read shows the read budget')
})
