import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { bearer, startApp, startIssuer } from './helpers/app.js'
import { waitFor } from './helpers/wait-for.js'

const PRODUCT = { title: 'Lamp', price: '12.00', image: 'https://example.com/lamp.jpg' }

/** Every request the app's HTTP server receives (inject bypasses it), with its status once answered. */
function watchServer (app: FastifyInstance, onRequest: (request: IncomingMessage, count: number) => void = () => {}) {
  const seen = { received: 0, statuses: [] as number[] }
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    onRequest(request, ++seen.received)
    response.once('finish', () => seen.statuses.push(response.statusCode))
  })
  return seen
}

/** The app's log lines about the warm-up at warn and info, kept instead of written. */
function captureLog (app: FastifyInstance) {
  const lines = { warn: [] as unknown[][], info: [] as unknown[][] }
  const about = (args: unknown[]) => args.some((arg) => typeof arg === 'string' && /warm/i.test(arg))
  app.log.warn = (...args: unknown[]) => { if (about(args)) lines.warn.push(args) }
  app.log.info = (...args: unknown[]) => { if (about(args)) lines.info.push(args) }
  return lines
}

t.test('/ready waits for the warm-up, sent over HTTP to the server itself, which spends no read budget', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { WARM_UP_REQUESTS: '300', RATE_LIMIT_READS: '50' })
  const created = await app.inject({ method: 'POST', url: '/products', headers: bearer(issuer.adminToken()), payload: PRODUCT })
  t.equal(created.statusCode, 201)
  const seen = watchServer(app)
  const log = captureLog(app)

  await new Promise((resolve) => setTimeout(resolve, 300))
  const early = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(early.statusCode, 503, 'not ready before it listens')
  t.match(early.json().detail, /Warming up/)
  t.equal(seen.received, 0, 'no warm-up before the server listens')
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.ok(await waitFor(() => app.warmedUp(), 30_000), 'the warm-up ends')
  t.equal(seen.statuses.length, 300, 'its requests came over the socket')
  t.same([...new Set(seen.statuses)], [200], 'every one answered 200: none was refused by the read budget')
  t.match(log.info, [[{ requests: 300, failed: 0 }, /warmed up/]])
  t.same(log.warn, [])

  const ready = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', database: 'ok', signingKeys: 'ok', sharedBudgets: 'off' })
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const first = await fetch(`${origin}/products`)
  t.equal(first.headers.get('ratelimit-remaining'), '49', 'a loopback client still has its whole budget')
  const guess = await fetch(`${origin}/products`, { headers: { 'x-warm-up': 'a guess' } })
  t.equal(guess.headers.get('ratelimit-remaining'), '48', 'a client sending the header without the secret is counted')
})

t.test('a warm-up read that fails ends the warm-up: no more are sent, and it says so', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { WARM_UP_REQUESTS: '1000' })
  const seen = watchServer(app, (request, count) => { if (count === 10) request.socket.destroy() })
  const log = captureLog(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.ok(await waitFor(() => app.warmedUp(), 30_000), 'the warm-up ends')
  const received = seen.received
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.ok(received >= 10 && received <= 10 + 4, `it stopped at the failure (${received} received)`)
  t.equal(seen.received, received, 'nothing was sent after it said it was done')
  t.match(log.warn, [[{ err: Error }, /warm-up read failed/]])
  t.same(log.info, [])
})

t.test('closing during the warm-up stops it, quietly', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { WARM_UP_REQUESTS: '100000' })
  const seen = watchServer(app)
  const log = captureLog(app)
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.ok(await waitFor(() => seen.received > 20), 'warming up')
  t.notOk(app.warmedUp())
  const before = seen.received
  const started = Date.now()
  await app.close()
  t.ok(Date.now() - started < 5000, 'close is not held up by the warm-up')
  t.ok(seen.received - before <= 4, 'at most the reads already under way were received after close began')
  t.ok(await waitFor(() => app.warmedUp(), 5000), 'the warm-up has ended')
  t.same(log.warn, [], 'no warning')
  t.same(log.info, [], 'and no claim to be warmed up')
})
