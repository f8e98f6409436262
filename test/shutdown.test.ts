import { type AddressInfo, connect } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { startApp, startIssuer } from './helpers/app.js'
import { startServerProcess, tempDir, within } from './helpers/process.js'

/*
 * "SIGTERM with a slow client connected (a POST announcing Content-Length: 100000 and sending
 * a byte at a time) exits after the grace period with code 1": the real server process must
 * exit 0 promptly while a request already in its handler still completes.
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

t.test('SIGTERM with a slow-body client connected: exit 0 within seconds, the request in flight completes', async (t) => {
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

  const exit = await within(proc.exited, 8_000, 'the server did not exit within 8 s of SIGTERM')
  t.same(exit, { code: 0, signal: null }, 'SIGTERM: exit code 0')
  t.ok(Date.now() - signalled < 8_000, 'promptly, not after the grace period')
  const answered = await inFlight
  t.equal(answered.status, 201, 'the request in flight at the signal completed', { body: answered.body })
  await within(slowClosed, 2_000, 'the slow client was not disconnected')
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

t.test('a request arriving on an open connection while closing: 503 problem+json with the usual headers, Connection: close', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo

  // A create whose body is still arriving keeps the connection open past the start of close().
  const socket = connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  let received = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => { received += chunk })
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  const body = JSON.stringify({ title: 'Drained', price: '1.00', image: 'https://example.com/d.jpg' })
  socket.write(`POST /products HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${issuer.adminToken()}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`)
  await sleep(300)
  const closed = app.close()
  await sleep(50)
  // The rest of the body, then a second request on the same connection, after close() began.
  socket.write(`${body.slice(5)}GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
  await within(ended, 5_000, 'the connection was not closed')
  await within(closed, 5_000, 'close() did not finish')

  const [created, refused, ...more] = parseResponses(received)
  t.equal(created?.status, 201, 'the request begun before close() completed', { received })
  t.equal(refused?.status, 503, 'the request after it is refused', { received })
  t.same(more, [], 'nothing else was answered')
  if (refused === undefined) return
  t.match(refused.headers['content-type'], /^application\/problem\+json/, 'as problem+json')
  t.equal(refused.headers.connection, 'close', 'Connection: close, so the retry goes to a new connection')
  t.match(refused.headers['x-request-id'], /\S/, 'with a request id')
  for (const name of ['content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options']) {
    t.ok(refused.headers[name], `with ${name}`)
  }
  const problem = JSON.parse(refused.body) as { status: number, detail: string, requestId: string }
  t.equal(problem.status, 503)
  t.match(problem.detail, /shutting down/)
  t.equal(problem.requestId, refused.headers['x-request-id'], 'the body names the same request id')
})
