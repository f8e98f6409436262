import { type AddressInfo, connect } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { startApp, startIssuer } from '../helpers/app.js'
import { startServerProcess, tempDir, within } from '../helpers/process.js'

/*
 * Graceful shutdown of the real server process (src/server.ts): on SIGTERM it first says
 * not-ready while still serving (SHUTDOWN_DRAIN_MS), then Fastify's close() finishes the
 * requests in flight; a client still sending a body when the request grace (5 s) runs out
 * loses its connection and the process exits 0 rather than after close-with-grace's timeout.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves false once `url` takes longer than `ms` to answer: the event loop is busy. */
async function answers (url: string, ms: number): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(ms) })
    await res.body?.cancel()
    return true
  } catch {
    return false
  }
}

t.test('SIGTERM: /ready answers 503 at once while requests are still served for SHUTDOWN_DRAIN_MS, then exit 0', async (t) => {
  const issuer = await startIssuer(t)
  const file = join(tempDir(t, 'store-api-drain-'), 'store.db')
  const { proc, base } = await startServerProcess(t, issuer, { DATABASE_URL: `file:${file}`, SHUTDOWN_DRAIN_MS: '1500', LOG_LEVEL: 'info' })
  const ready = await fetch(`${base}/ready`)
  await ready.body?.cancel()
  t.equal(ready.status, 200, 'ready before the signal')

  const signalled = Date.now()
  proc.child.kill('SIGTERM')
  await sleep(200)
  const draining = await fetch(`${base}/ready`)
  t.equal(draining.status, 503, '/ready: 503 while draining')
  t.match(draining.headers.get('content-type'), /^application\/problem\+json/, 'as problem+json')
  t.match(((await draining.json()) as { detail: string }).detail, /shutting down/i)
  const list = await fetch(`${base}/products?limit=1`)
  await list.body?.cancel()
  t.equal(list.status, 200, 'a request during the drain is still served')
  t.not(list.headers.get('connection'), 'close', '...on a connection kept alive')
  t.notOk(proc.hasExited(), 'still running during the drain')

  const exit = await within(proc.exited, 6_000, 'the server did not exit after the drain')
  t.same(exit, { code: 0, signal: null }, 'exit code 0')
  t.ok(Date.now() - signalled >= 1500, 'not before SHUTDOWN_DRAIN_MS')
  t.match(proc.stdout(), /"drainMs":1500/, 'the drain is logged')
})

t.test('SIGTERM with a slow-body client connected: the request in flight completes, the slow client is cut after the grace, exit 0', async (t) => {
  const issuer = await startIssuer(t)
  const file = join(tempDir(t, 'store-api-shutdown-'), 'store.db')
  const { proc, base, port } = await startServerProcess(t, issuer, { DATABASE_URL: `file:${file}` })
  const token = issuer.adminToken()
  const warm = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } })
  await warm.body?.cancel()

  // The slow client: a body announced at 100,000 bytes, sent a byte at a time.
  const slow = connect(port, '127.0.0.1')
  t.teardown(() => slow.destroy())
  const slowClosed = new Promise<void>((resolve) => slow.once('close', () => resolve()))
  slow.on('error', () => {})
  slow.write(`POST /products HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`)
  const drip = setInterval(() => { if (slow.writable) slow.write(' ') }, 100)
  t.teardown(() => clearInterval(drip))
  await sleep(300)

  // A request in its handler at the signal: its write waits on a lock this test holds.
  const lock = new Database(file)
  t.teardown(() => { if (lock.open) lock.close() })
  lock.exec('BEGIN IMMEDIATE')
  const inFlight = fetch(`${base}/products`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'In flight', price: '1.00', image: 'https://example.com/f.jpg' })
  }).then(async (res) => ({ status: res.status, body: await res.text() }), (error: unknown) => ({ status: 0, body: String(error) }))
  const deadline = Date.now() + 10_000
  while (await answers(`${base}/health`, 300) && Date.now() < deadline) await sleep(20)

  const signalled = Date.now()
  proc.child.kill('SIGTERM')
  await sleep(500)
  lock.exec('ROLLBACK')
  lock.close()

  const answered = await within(inFlight, 3_000, 'the request in flight was not answered')
  t.equal(answered.status, 201, 'the request in flight at the signal completed', { body: answered.body })
  const exit = await within(proc.exited, 8_000, 'the server did not exit within 8 s of SIGTERM')
  const tookMs = Date.now() - signalled
  t.same(exit, { code: 0, signal: null }, 'SIGTERM: exit code 0')
  t.ok(tookMs >= 4_500 && tookMs < 8_000, `the slow body had the 5 s grace, no more (exit after ${tookMs} ms)`)
  await within(slowClosed, 2_000, 'the slow client was not disconnected')
  t.match(proc.stdout(), /closing the connections still open after the grace period/, 'the cut is logged')
  t.notMatch(proc.stdout() + proc.stderr(), /took too long/, 'no forced exit')
})

interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** The HTTP/1.1 responses in what one connection received, in order (Content-Length bodies). */
function parseResponses (raw: string): RawResponse[] {
  const responses: RawResponse[] = []
  let rest = raw
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n')
    if (end === -1) break
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? 0)
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) })
    rest = rest.slice(end + 4 + length)
  }
  return responses
}

/** A raw connection to 127.0.0.1:`port`: what it received, and when it closed. */
function rawConnection (t: { teardown(fn: () => void): void }, port: number) {
  const socket = connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  let received = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => { received += chunk })
  socket.on('error', () => {})
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return { socket, ended, received: () => received }
}

t.test('close(): idle keep-alive connections end at once; a request in flight completes with Connection: close, nothing pipelined behind it is read', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  // An idle keep-alive connection: one request answered, the socket left open.
  const idle = rawConnection(t, port)
  idle.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
  // A create whose body is still arriving keeps its connection busy past the start of close().
  const busy = rawConnection(t, port)
  const body = JSON.stringify({ title: 'Drained', price: '1.00', image: 'https://example.com/d.jpg' })
  busy.socket.write(`POST /products HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${issuer.adminToken()}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`)
  await sleep(300)
  t.match(idle.received(), /^HTTP\/1\.1 200 /, 'the idle connection had its answer')
  t.notMatch(idle.received(), /connection: close/i, '...and was kept alive')

  const closed = app.close()
  await within(idle.ended, 1_000, 'the idle keep-alive connection was not closed at once')
  t.pass('the idle keep-alive connection was closed at once')
  // The rest of the body, then a second request pipelined on the same connection.
  busy.socket.write(`${body.slice(5)}GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
  await within(busy.ended, 5_000, 'the busy connection was not closed after its answer')
  await within(closed, 5_000, 'close() did not finish')

  const [created, ...more] = parseResponses(busy.received())
  t.equal(created?.status, 201, 'the request begun before close() completed', { received: busy.received() })
  t.equal(created?.headers.connection, 'close', '...with Connection: close, so close() need not wait for the keep-alive timeout')
  t.same(more, [], 'the request pipelined behind it was not read (the client sends it again on a new connection)')
})
