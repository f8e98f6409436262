import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'

const PRODUCT = { title: 'Lamp', price: '12.00', image: 'https://example.com/lamp.jpg' }
const PROBLEM = 'application/problem+json; charset=utf-8'

t.test('body limits and content types', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())

  const huge = JSON.stringify({ ...PRODUCT, title: 'x'.repeat(1024 * 1024) })
  const tooLarge = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'application/json' }, payload: huge })
  t.equal(tooLarge.statusCode, 413, 'a JSON body over 1 MiB')
  t.equal(tooLarge.headers['content-type'], PROBLEM)

  const bulkRow = `Lamp,1.00,https://example.com/${'a'.repeat(200)}\n`
  const bigCsv = `title,price,image\n${bulkRow.repeat(Math.ceil((5 * 1024 * 1024) / bulkRow.length))}`
  const bulkTooLarge = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'content-type': 'text/csv' }, payload: bigCsv })
  t.equal(bulkTooLarge.statusCode, 413, 'a bulk body over 4 MiB')
  t.equal(bulkTooLarge.headers['content-type'], PROBLEM)

  for (const [method, url, type] of [['POST', '/products', 'text/plain'], ['POST', '/products', 'application/xml'], ['PUT', '/products/1', 'text/csv'], ['POST', '/products/bulk', 'application/xml'], ['POST', '/logout', 'application/x-www-form-urlencoded']] as const) {
    const res = await app.inject({ method, url, headers: { ...admin, 'content-type': type }, payload: 'a=b' })
    t.equal(res.statusCode, 415, `${method} ${url} with ${type}`)
    t.equal(res.headers['content-type'], PROBLEM)
  }

  const deep = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'application/json' }, payload: `${'['.repeat(5000)}${']'.repeat(5000)}` })
  t.equal(deep.statusCode, 400, 'absurdly nested JSON is refused before anything walks it')
  t.match(deep.json().detail, /nested/)
})

t.test('oversized headers and URLs are refused cleanly, as problem+json', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  const raw = (head: string) => new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head))
    let data = ''
    socket.on('data', (chunk) => { data += chunk.toString() })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
  const bigHeader = await raw(`GET /products HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(bigHeader, /^HTTP\/1\.1 431 /, 'headers over the limit: 431')
  t.match(bigHeader, /Content-Type: application\/problem\+json/)
  t.match(bigHeader, /"status":431/)
  const bigUrl = await raw(`GET /products?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)
  t.match(bigUrl, /^HTTP\/1\.1 431 /, 'a URL over the limit: 431')
  const garbage = await raw('NOT-HTTP\r\n\r\n')
  t.match(garbage, /^HTTP\/1\.1 400 /, 'garbage: 400')
  t.match(garbage, /"status":400/)

  const stillServing = await new Promise<number>((resolve) => {
    httpRequest({ host: '127.0.0.1', port, path: '/health' }, (res) => { res.resume(); resolve(res.statusCode ?? 0) }).end()
  })
  t.equal(stillServing, 200, 'the server is unharmed')
})

t.test('rate limits: reads per IP, writes per subject, failed authentications per IP', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { RATE_LIMIT_READS: '5', RATE_LIMIT_WRITES: '3', RATE_LIMIT_AUTH_FAILURES: '3' })

  for (let i = 0; i < 5; i++) {
    const ok = await app.inject({ method: 'GET', url: '/products' })
    t.equal(ok.statusCode, 200)
    t.equal(ok.headers['ratelimit-limit'], '5')
    t.equal(ok.headers['ratelimit-remaining'], String(4 - i))
  }
  const limited = await app.inject({ method: 'GET', url: '/products' })
  t.equal(limited.statusCode, 429, 'the sixth read in a minute')
  t.equal(limited.headers['content-type'], PROBLEM)
  t.match(limited.json(), { status: 429, title: 'Too Many Requests', detail: /^Too many requests; retry in \d+ seconds?\.$/ })
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After')
  t.equal(limited.headers['ratelimit-remaining'], '0')
  const otherIp = await app.inject({ method: 'GET', url: '/products', remoteAddress: '10.9.9.9' })
  t.equal(otherIp.statusCode, 200, 'another client has its own read budget')
  for (let i = 1; i <= 5; i++) t.equal((await app.inject({ method: 'GET', url: '/products', remoteAddress: `2001:db8:1:2::${i}` })).statusCode, 200)
  const sameNetwork = await app.inject({ method: 'GET', url: '/products', remoteAddress: '2001:db8:1:2::ff' })
  t.equal(sameNetwork.statusCode, 429, 'an IPv6 client counts by /64: rotating addresses within it share one read budget')
  for (let i = 0; i < 10; i++) {
    t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200)
    t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200)
  }

  const alice = bearer(issuer.adminToken({ sub: 'auth0|alice' }))
  const created = await app.inject({ method: 'POST', url: '/products', headers: alice, payload: PRODUCT, remoteAddress: '10.0.0.1' })
  t.equal(created.statusCode, 201)
  const id = (created.json() as { id: number }).id
  t.equal((await app.inject({ method: 'PATCH', url: `/products/${id}`, headers: alice, payload: { price: '2.00' }, remoteAddress: '10.0.0.1' })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `/products/${id}`, headers: alice, remoteAddress: '10.0.0.1' })).statusCode, 204)
  const aliceLimited = await app.inject({ method: 'POST', url: '/products', headers: alice, payload: PRODUCT, remoteAddress: '10.0.0.2' })
  t.equal(aliceLimited.statusCode, 429, 'the write budget is one across write routes, and follows the subject, not the IP')
  t.equal(aliceLimited.headers['ratelimit-limit'], '3', 'a write shows the write budget')
  const aliceReads = await app.inject({ method: 'GET', url: '/products', headers: alice, remoteAddress: '10.0.0.2' })
  t.equal(aliceReads.statusCode, 200, 'reads are not charged to the write budget')
  t.equal(aliceReads.headers['ratelimit-limit'], '5', 'a read shows the read budget')
  t.ok(aliceLimited.headers['retry-after'])
  const bob = await app.inject({ method: 'POST', url: '/products', headers: bearer(issuer.adminToken({ sub: 'auth0|bob' })), payload: PRODUCT, remoteAddress: '10.0.0.1' })
  t.equal(bob.statusCode, 201, 'another subject on the same IP has its own budget')

  const attacker = '10.6.6.6'
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'GET', url: '/me', headers: bearer(`${issuer.userToken()}x`), remoteAddress: attacker })
    t.equal(res.statusCode, 401)
  }
  const blocked = await app.inject({ method: 'GET', url: '/me', headers: bearer('a.b.c'), remoteAddress: attacker })
  t.equal(blocked.statusCode, 429, 'the fourth failed authentication from one IP')
  t.equal(blocked.headers['content-type'], PROBLEM)
  t.ok(Number(blocked.headers['retry-after']) > 0)
  const goodFromAttackerIp = await app.inject({ method: 'GET', url: '/me', headers: bearer(issuer.userToken()), remoteAddress: attacker })
  t.equal(goodFromAttackerIp.statusCode, 200, 'only failures count: a valid token from that IP still works')

  // An IPv6 client counts by its /64: rotating addresses within it does not buy more guesses.
  for (let i = 1; i <= 3; i++) {
    const res = await app.inject({ method: 'GET', url: '/me', headers: bearer('a.b.c'), remoteAddress: `2001:db8:6:6::${i}` })
    t.equal(res.statusCode, 401)
  }
  const rotated = await app.inject({ method: 'GET', url: '/me', headers: bearer('a.b.c'), remoteAddress: '2001:db8:6:6::ffff' })
  t.equal(rotated.statusCode, 429, 'the fourth failure from another address of the same /64')
  const otherNetwork = await app.inject({ method: 'GET', url: '/me', headers: bearer('a.b.c'), remoteAddress: '2001:db8:6:7::1' })
  t.equal(otherNetwork.statusCode, 401, 'another /64 has its own budget')
})

t.test('request ids: a plain one from the caller is kept, others are generated and unique', async (t) => {
  const issuer = await startIssuer(t)
  const first = await startApp(t, issuer)
  const second = await startApp(t, issuer)
  const idOf = async (app: typeof first, given?: string) => {
    const res = await app.inject({ method: 'GET', url: '/health', headers: given === undefined ? {} : { 'x-request-id': given } })
    return String(res.headers['x-request-id'])
  }
  t.equal(await idOf(first, 'trace-42:a.b_c'), 'trace-42:a.b_c', 'a plain caller id is echoed')
  const generated = [
    await idOf(first), await idOf(first), await idOf(first, 'has space'), await idOf(first, 'x'.repeat(65)), await idOf(first, ''),
    await idOf(second), await idOf(second)
  ]
  t.equal(new Set(generated).size, generated.length, `every generated id is distinct, within and across app instances: ${generated.join(' ')}`)
  t.ok(generated.every((id) => /^[A-Za-z0-9_-]{8}-[0-9a-z]+$/.test(id)), 'generated ids are short and header-safe')
})

t.test('CORS for the configured origins', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { CORS_ORIGINS: 'https://shop.example, https://admin.shop.example' })
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/products/1',
    headers: { origin: 'https://shop.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization,if-match,idempotency-key,content-type' }
  })
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], 'https://shop.example')
  const allowedHeaders = String(preflight.headers['access-control-allow-headers']).toLowerCase()
  for (const header of ['authorization', 'if-match', 'idempotency-key', 'content-type']) t.match(allowedHeaders, header)
  const allowedMethods = String(preflight.headers['access-control-allow-methods'])
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) t.match(allowedMethods, method)

  const get = await app.inject({ method: 'GET', url: '/products', headers: { origin: 'https://admin.shop.example' } })
  t.equal(get.headers['access-control-allow-origin'], 'https://admin.shop.example')
  const exposed = String(get.headers['access-control-expose-headers']).toLowerCase()
  for (const header of ['etag', 'location', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']) t.match(exposed, header)

  const foreign = await app.inject({ method: 'GET', url: '/products', headers: { origin: 'https://evil.example' } })
  t.notOk(foreign.headers['access-control-allow-origin'], 'other origins get no CORS grant')
})

t.test('a database that cannot be written is a 503, and the API recovers', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'store-api-fault-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'store.db')
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { DATABASE_URL: `file:${file}` })
  const admin = bearer(issuer.adminToken())
  t.equal((await app.inject({ method: 'POST', url: '/products', headers: admin, payload: PRODUCT })).statusCode, 201)

  // Another process holding the write lock longer than the busy timeout.
  const other = new Database(file)
  t.teardown(() => { if (other.open) other.close() })
  other.exec('BEGIN EXCLUSIVE')
  const locked = await app.inject({ method: 'POST', url: '/products', headers: admin, payload: PRODUCT })
  t.equal(locked.statusCode, 503, 'a write while the database is locked')
  t.equal(locked.headers['content-type'], PROBLEM)
  t.ok(locked.headers['retry-after'])
  t.notMatch(locked.body, /SQLITE|stack/i, 'no internals leak')
  other.exec('ROLLBACK')
  other.close()
  const recovered = await app.inject({ method: 'POST', url: '/products', headers: admin, payload: PRODUCT })
  t.equal(recovered.statusCode, 201, 'the API recovers when the lock is gone')
  const count = (await app.inject({ method: 'GET', url: '/products' })).json().items.length
  t.equal(count, 2, 'the refused write left nothing behind')

  await app.store.close()
  const closed = await app.inject({ method: 'GET', url: '/products' })
  t.equal(closed.statusCode, 503, 'a closed database is a 503, not a 500')
})
