import { connect } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { startIssuer } from './helpers/app.js'
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
