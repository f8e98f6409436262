import { Agent, request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import t, { type Test } from 'tap'
import { startIssuer } from '../helpers/app.js'
import type { TestIssuer } from '../helpers/issuer.js'
import { type ServerProcess, startServerProcess, tempDir, within } from '../helpers/process.js'

/*
 * Faults with the real server process (node --import tsx src/server.ts, production mode,
 * a file database): SIGKILL in the middle of a stream of writes, and SIGTERM under load.
 */

// Rate limits (where the app has them) must not turn the load into 429s.
const NO_RATE_LIMITS = { RATE_LIMIT_READS: '1000000', RATE_LIMIT_WRITES: '1000000', RATE_LIMIT_AUTH_FAILURES: '1000000' }

function startServer (t: Test, issuer: TestIssuer, databaseFile: string, logLevel = 'warn'): Promise<ServerProcess> {
  return startServerProcess(t, issuer, { LOG_LEVEL: logLevel, DATABASE_URL: `file:${databaseFile}`, ...NO_RATE_LIMITS })
}

function errorCode (error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (error as Error).name ?? String(error)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const priceOf = (cents: number) => `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`

t.test('SIGKILL in the middle of a stream of admin writes: every acknowledged write survives, the file is intact', async (t) => {
  const issuer = await startIssuer(t)
  const dir = tempDir(t, 'store-api-crash-')
  const file = join(dir, 'store.db')
  const first = await startServer(t, issuer, file)
  const headers = { authorization: `Bearer ${issuer.adminToken()}`, 'content-type': 'application/json' }

  // Warm up (the signing key fetched, the code paths compiled) so the 1.5 s are all steady writing.
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${first.base}/products?limit=1`)
    await res.body?.cancel()
  }

  const WRITERS = 8
  const MAX_WRITES_PER_WRITER = 20_000
  const acknowledged = new Map<number, { title: string; price: string }>()
  let killed = false
  let sent = 0
  const failures: string[] = []
  const refusedBeforeKill: string[] = []

  const writer = async (w: number) => {
    // eslint-disable-next-line no-unmodified-loop-condition -- set by the killer, across awaits
    for (let i = 0; i < MAX_WRITES_PER_WRITER && !killed; i++) {
      const title = `w${w}-${i}`
      const price = priceOf((w * 100_003 + i * 7919) % 10_000_000)
      sent++
      try {
        const res = await fetch(`${first.base}/products`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ title, price, image: `https://example.com/${w}/${i}.jpg` }),
          signal: AbortSignal.timeout(5000)
        })
        const text = await res.text()
        if (res.status >= 200 && res.status < 300) {
          const product = JSON.parse(text) as { id: number; title: string; price: string }
          acknowledged.set(product.id, { title, price })
          if (product.title !== title || product.price !== price) failures.push(`POST ${title} ${price} answered ${text}`)
        } else if (!killed) {
          refusedBeforeKill.push(`${res.status} ${text.slice(0, 200)}`)
        }
      } catch (error) {
        if (!killed) failures.push(`${title}: ${errorCode(error)} before the kill`)
        return
      }
    }
  }

  const started = performance.now()
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w))
  await sleep(1500)
  first.proc.child.kill('SIGKILL')
  killed = true
  const exit = await within(first.proc.exited, 10_000, 'the server did not die on SIGKILL')
  t.equal(exit.signal, 'SIGKILL', 'the first server was killed by SIGKILL')
  await within(Promise.all(writers), 15_000, 'the writers did not stop after the kill')
  const elapsed = performance.now() - started
  t.same(failures, [], 'no write failed or was answered wrongly before the kill')
  t.same(refusedBeforeKill, [], 'no write was refused before the kill')
  t.ok(acknowledged.size > 0, `writes were acknowledged before the kill (${acknowledged.size})`)

  // Restart on the same file: every acknowledged product is there, unchanged.
  const second = await startServer(t, issuer, file)
  const missing: number[] = []
  const changed: string[] = []
  let found = 0
  const ids = [...acknowledged.keys()]
  for (let start = 0; start < ids.length; start += 16) {
    await Promise.all(ids.slice(start, start + 16).map(async (id) => {
      const res = await fetch(`${second.base}/products/${id}`, { signal: AbortSignal.timeout(5000) })
      if (res.status !== 200) {
        await res.body?.cancel()
        missing.push(id)
        return
      }
      const product = (await res.json()) as { title: string; price: string }
      const expected = acknowledged.get(id)
      if (product.title !== expected?.title || product.price !== expected?.price) {
        changed.push(`${id}: stored ${product.title}/${product.price}, acknowledged ${expected?.title}/${expected?.price}`)
        return
      }
      found++
    }))
  }
  // Everything stored, acknowledged or not (a write in flight at the kill may have committed).
  let stored = 0
  let cursor: string | null = null
  for (let page = 0; page < 10_000; page++) {
    const res = await fetch(`${second.base}/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    const body = (await res.json()) as { items: unknown[]; nextCursor: string | null }
    stored += body.items.length
    cursor = body.nextCursor
    if (!cursor) break
  }
  t.comment(`SIGKILL after ${Math.round(elapsed)} ms of ${WRITERS} writers: ${sent} POSTs sent, ${acknowledged.size} acknowledged (2xx), ` +
    `${found} of them found unchanged after the restart, ${stored} products stored in all ` +
    `(${stored - found} committed but unacknowledged or lost in flight)`)
  t.same(missing, [], 'every acknowledged product exists after the restart')
  t.same(changed, [], 'with the title and price it was acknowledged with')
  t.equal(found, acknowledged.size, `acknowledged ${acknowledged.size}, found ${found}`)
  t.ok(stored >= found, 'nothing acknowledged is missing from the listing either')

  second.proc.child.kill('SIGTERM')
  const secondExit = await within(second.proc.exited, 10_000, 'the second server did not exit on SIGTERM')
  t.same(secondExit, { code: 0, signal: null }, 'the restarted server stops cleanly')

  const db = new Database(file, { fileMustExist: true })
  try {
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'PRAGMA integrity_check is ok')
    t.equal((db.pragma('foreign_key_check') as unknown[]).length, 0, 'PRAGMA foreign_key_check finds nothing')
  } finally {
    db.close()
  }
})

interface Outcome {
  requestId: string
  kind: 'GET' | 'POST'
  /** Its bytes had all been handed to the OS (the request's 'finish') before the signal. */
  writtenBeforeSignal: boolean
  /** Started after the signal (held back until then). */
  afterSignal: boolean
  status?: number
  error?: string
  /** The error came after the response headers (a reset mid-response). */
  midResponse?: boolean
}

/** One request over `agent` (keep-alive), resolving with what became of it; never rejects. */
function send (agent: Agent, url: string, outcome: Outcome, options: { method: string; headers: Record<string, string>; body?: string }, signalAt: () => number | null): Promise<Outcome> {
  return new Promise((resolve) => {
    let done = false
    const finish = (update: Partial<Outcome>) => {
      if (done) return
      done = true
      Object.assign(outcome, update)
      resolve(outcome)
    }
    const req = httpRequest(url, { method: options.method, headers: options.headers, agent })
    req.setTimeout(15_000, () => req.destroy(new Error('client timeout')))
    req.on('finish', () => {
      const at = signalAt()
      outcome.writtenBeforeSignal = at === null || performance.now() < at
    })
    req.on('response', (res) => {
      res.on('data', () => {})
      res.on('end', () => finish({ status: res.statusCode }))
      res.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message, midResponse: true }))
      res.on('aborted', () => finish({ error: 'aborted', midResponse: true }))
      res.on('close', () => { if (!res.complete) finish({ error: 'closed before the end', midResponse: true }) })
    })
    req.on('error', (error: NodeJS.ErrnoException) => finish({ error: error.code ?? error.message }))
    req.end(options.body)
  })
}

t.test('SIGTERM under load: exit 0 within 10 s; requests in flight finish with 2xx, later ones get 503 or a refused connection', async (t) => {
  const issuer = await startIssuer(t)
  const dir = tempDir(t, 'store-api-term-')
  const server = await startServer(t, issuer, join(dir, 'store.db'), 'info')
  const agent = new Agent({ keepAlive: true, maxSockets: 100 })
  t.teardown(() => agent.destroy())
  const token = issuer.adminToken()
  const IN_FLIGHT = 50
  const outcomes: Outcome[] = []
  let signalAt: number | null = null
  let serial = 0
  const request = (kind: 'GET' | 'POST'): Promise<Outcome> => {
    const requestId = `load-${++serial}`
    const outcome: Outcome = { requestId, kind, writtenBeforeSignal: false, afterSignal: signalAt !== null }
    outcomes.push(outcome)
    const body = kind === 'POST' ? JSON.stringify({ title: requestId, price: '2.50', image: 'https://example.com/l.jpg' }) : undefined
    return send(agent, kind === 'GET' ? `${server.base}/products?limit=100` : `${server.base}/products`, outcome, {
      method: kind,
      headers: kind === 'GET'
        ? { 'x-request-id': requestId }
        : { 'x-request-id': requestId, authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body ?? '')) },
      ...(body === undefined ? {} : { body })
    }, () => signalAt)
  }

  // Warm up: products to list, the signing key fetched, and 50 keep-alive connections open.
  for (let round = 0; round < 2; round++) {
    const warm = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, n) => request(n % 2 === 0 ? 'GET' : 'POST')))
    t.same(warm.filter((o) => o.status === undefined || o.status >= 300).map((o) => `${o.kind} ${o.status ?? o.error}`), [], `warm-up round ${round + 1}: every request succeeded`)
  }
  outcomes.length = 0

  // 50 loops, each with one request in flight at a time, until the server is gone.
  let holding = false
  const deadline = performance.now() + 20_000
  const loop = async (n: number) => {
    for (let i = 0; performance.now() < deadline; i++) {
      // eslint-disable-next-line no-unmodified-loop-condition -- cleared by another loop, across awaits
      while (holding) await sleep(1)
      const outcome = await request((n + i) % 2 === 0 ? 'GET' : 'POST')
      if (outcome.afterSignal && (outcome.error !== undefined || server.proc.hasExited())) return
    }
  }
  const loops = Array.from({ length: IN_FLIGHT }, (_, n) => loop(n))
  await sleep(400)
  // Hold new requests back for a moment so that every request started so far is on the wire.
  holding = true
  await sleep(5)
  const inFlightAtSignal = outcomes.filter((o) => o.status === undefined && o.error === undefined).length
  signalAt = performance.now()
  server.proc.child.kill('SIGTERM')
  holding = false
  const exit = await within(server.proc.exited, 12_000, 'the server did not exit within 12 s of SIGTERM')
  const shutdownMs = performance.now() - signalAt
  await within(Promise.all(loops), 25_000, 'the load did not stop')

  t.same(exit, { code: 0, signal: null }, 'SIGTERM: exit code 0')
  t.ok(shutdownMs < 10_000, `the process exited within 10 s of SIGTERM (${Math.round(shutdownMs)} ms)`)

  // Which requests the server read, from its log (x-request-id is the log's reqId).
  const received = new Set<string>()
  for (const line of server.proc.stdout().split('\n')) {
    if (!line.includes('"incoming request"')) continue
    try {
      received.add(String((JSON.parse(line) as { reqId?: unknown }).reqId))
    } catch { /* a partial line */ }
  }

  const before = outcomes.filter((o) => !o.afterSignal)
  const after = outcomes.filter((o) => o.afterSignal)
  const answered = outcomes.filter((o) => o.status !== undefined)
  const is2xx = (o: Outcome) => o.status !== undefined && o.status >= 200 && o.status < 300
  const badStatus = answered.filter((o) => !is2xx(o) && o.status !== 503)
  const lostBefore = before.filter((o) => o.error !== undefined)
  const midResponse = outcomes.filter((o) => o.midResponse)
  const receivedButLost = outcomes.filter((o) => o.error !== undefined && received.has(o.requestId))
  const afterErrors = after.filter((o) => o.error !== undefined)
  const errorKinds = (list: Outcome[]) => [...new Set(list.map((o) => o.error))].join(', ') || 'none'
  const describeLost = (o: Outcome) => `${o.requestId} ${o.kind} ${o.error}: ${o.writtenBeforeSignal ? 'written before the signal' : 'written after the signal'}, ` +
    `${received.has(o.requestId) ? 'read by the server' : 'never read by the server'}`

  t.comment(`SIGTERM with ${inFlightAtSignal} requests in flight: shutdown took ${Math.round(shutdownMs)} ms (signal to exit)`)
  t.comment(`sent before the signal: ${before.length}: ${before.filter(is2xx).length} 2xx, ${before.filter((o) => o.status === 503).length} 503, ` +
    `${lostBefore.length} without a response (${lostBefore.filter((o) => !received.has(o.requestId)).length} of them never read by the server; ${errorKinds(lostBefore)})`)
  t.comment(`sent after the signal: ${after.length}: ${after.filter(is2xx).length} 2xx, ${after.filter((o) => o.status === 503).length} 503, ` +
    `${afterErrors.length} refused or reset (${errorKinds(afterErrors)})`)

  t.same(badStatus.map((o) => `${o.requestId} ${o.kind} ${o.status}`), [], 'every request that got a response got a 2xx or a 503')
  t.same(midResponse.map(describeLost), [], 'no response was cut off after its headers')
  t.same(receivedButLost.map(describeLost), [], 'no request the server had read lost its response')
  t.same(lostBefore.map(describeLost), [], 'every request sent before the signal got a response (2xx or 503): resets are acceptable only after it')
})
