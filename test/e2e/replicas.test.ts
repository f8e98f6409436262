import { randomUUID } from 'node:crypto'
import t from 'tap'
import { startIssuer } from '../helpers/app.js'
import type { TestIssuer } from '../helpers/issuer.js'
import { freePort, type RunningProcess, spawnTs, waitForHttp } from '../helpers/process.js'
import { postgresUrl, redisUrl } from '../helpers/services.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'

// Two real API processes on one PostgreSQL database and one Redis prefix, as `docker compose`
// runs them; each reaches PostgreSQL through its own proxy, so one can lose it alone.

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

const START_TIMEOUT_MS = 60_000
const WRITES_PER_MINUTE = 30
const AUTH_FAILURES_PER_MINUTE = 5

interface Replica {
  name: string
  url: string
  proc: RunningProcess
  pg: TcpProxy
}

interface Answer {
  status: number
  headers: Headers
  body: any
  ms: number
}

interface Call {
  token?: string
  body?: unknown
  headers?: Record<string, string>
  ip?: string
}

async function call (replica: Replica, method: string, path: string, options: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.ip !== undefined) headers['x-forwarded-for'] = options.ip
  const started = performance.now()
  const response = await fetch(`${replica.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(15_000)
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null, ms: performance.now() - started }
}

async function eventually (check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return check().catch(() => false)
}

async function startReplica (t: Test, name: string, pgTarget: { host: string, port: number }, env: Record<string, string>): Promise<Replica> {
  const pg = await startTcpProxy(t, pgTarget)
  const port = await freePort()
  const proc = spawnTs(t, 'src/server.ts', {
    ...env,
    DATABASE_URL: env.DATABASE_URL!.replace(/:\/\/([^@]+)@[^/]+/, `://$1@127.0.0.1:${pg.port}`),
    PORT: String(port),
    HOST: '127.0.0.1'
  })
  const url = `http://127.0.0.1:${port}`
  return { name, url, proc, pg }
}

function sameProducts (t: Test, creates: Answer[]): void {
  const ids = new Set(creates.map((a) => a.body?.id))
  t.equal(ids.size, 1, 'both answers name the same product')
}

t.test('two replicas on one PostgreSQL and one Redis', async (t) => {
  const database = await postgresUrl(t)
  if (!database) return
  const redis = await redisUrl(t)
  if (!redis) return
  const issuer: TestIssuer = await startIssuer(t)
  const dbUrl = new URL(database)
  const pgTarget = { host: dbUrl.hostname, port: Number(dbUrl.port || 5432) }
  const redisTarget = new URL(redis.url)
  const redisProxy = await startTcpProxy(t, { host: redisTarget.hostname, port: Number(redisTarget.port || 6379) })
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    DATABASE_URL: database,
    REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
    REDIS_KEY_PREFIX: redis.prefix,
    AUTH0_ISSUER_BASE_URL: issuer.url,
    AUTH0_AUDIENCE: issuer.audience,
    // Each scenario speaks from its own address (X-Forwarded-For), as clients behind HAProxy do.
    TRUST_PROXY: 'true',
    RATE_LIMIT_READS: '1000000',
    RATE_LIMIT_WRITES: String(WRITES_PER_MINUTE),
    RATE_LIMIT_AUTH_FAILURES: String(AUTH_FAILURES_PER_MINUTE)
  }
  // A first, alone: it applies the migrations; B then finds them applied.
  const a = await startReplica(t, 'A', pgTarget, env)
  await waitForHttp(`${a.url}/ready`, { timeoutMs: START_TIMEOUT_MS, proc: a.proc })
  const b = await startReplica(t, 'B', pgTarget, env)
  await waitForHttp(`${b.url}/ready`, { timeoutMs: START_TIMEOUT_MS, proc: b.proc })
  const both = [a, b]
  let writer = 0
  // A subject of its own per batch of writes, so the write budget only bites where it is tested.
  const admin = () => issuer.adminToken({ sub: `auth0|writer-${writer++}` })

  await t.test('(a) a token revoked on A is refused at once on A and within 1 s on B', async (t) => {
    for (const everywhere of [false, true]) {
      const sub = `auth0|leaver-${everywhere}`
      const token = issuer.userToken({ sub, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) - 2 })
      const ip = '198.51.100.1'
      for (const replica of both) t.equal((await call(replica, 'GET', '/me', { token, ip })).status, 200, `${replica.name} accepts it first`)
      const logoutToken = everywhere ? issuer.userToken({ sub, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) - 1 }) : token
      const logout = await call(a, 'POST', '/logout', { token: logoutToken, body: { everywhere }, ip })
      t.equal(logout.status, 200, `logout (everywhere: ${everywhere})`)
      const loggedOutAt = performance.now()
      t.equal((await call(a, 'GET', '/me', { token, ip })).status, 401, `A refuses it at once (everywhere: ${everywhere})`)
      let refusedAfter = Number.POSITIVE_INFINITY
      while (performance.now() - loggedOutAt < 1000) {
        if ((await call(b, 'GET', '/me', { token, ip })).status === 401) {
          refusedAfter = performance.now() - loggedOutAt
          break
        }
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
      t.ok(refusedAfter <= 1000, `B refuses it within 1 s (everywhere: ${everywhere}; after ${Math.round(refusedAfter)} ms)`)
    }
  })

  await t.test('(b) one Idempotency-Key raced to both replicas: exactly one product, the other a replay', async (t) => {
    for (let round = 0; round < 10; round++) {
      const token = admin()
      const key = randomUUID()
      const title = `idem ${key.slice(0, 8)}`
      const body = { title, price: '3.00', image: 'https://example.com/i.jpg' }
      const answers = await Promise.all(both.map((r) => call(r, 'POST', '/products', { token, body, headers: { 'idempotency-key': key } })))
      t.same(answers.map((x) => x.status), [201, 201], `round ${round}: both 201`)
      t.same(answers.map((x) => x.headers.get('idempotent-replayed')).sort(), [null, 'true'], `round ${round}: one is the replay`)
      sameProducts(t, answers)
      const found = await call(a, 'GET', `/products?q=${encodeURIComponent(title)}`)
      t.equal(found.body.items.length, 1, `round ${round}: exactly one product`)
    }
  })

  await t.test('(c) If-Match updates raced to both replicas: never two winners', async (t) => {
    const created = await call(a, 'POST', '/products', { token: admin(), body: { title: 'raced', price: '1.00', image: 'https://example.com/r.jpg' } })
    t.equal(created.status, 201)
    const path = `/products/${created.body.id}`
    for (let round = 0; round < 20; round++) {
      const token = admin()
      const etag = (await call(b, 'GET', path)).headers.get('etag')!
      const answers = await Promise.all(both.map((r, i) => call(r, 'PATCH', path, { token, body: { price: `${round + 2}.0${i}` }, headers: { 'if-match': etag } })))
      t.same(answers.map((x) => x.status).sort(), [200, 412], `round ${round}: one 200, one 412`)
    }
  })

  await t.test('(d) the write budget of a subject and the failed-authentication budget of a client are shared', async (t) => {
    const token = issuer.adminToken({ sub: 'auth0|budget' })
    const writes: number[] = []
    for (let i = 0; i < WRITES_PER_MINUTE + 6; i++) {
      writes.push((await call(both[i % 2]!, 'DELETE', '/products/999999', { token, ip: '198.51.100.4' })).status)
    }
    t.notOk(writes.slice(0, WRITES_PER_MINUTE).includes(429), 'within the budget, split across replicas: not refused')
    t.same(writes.slice(WRITES_PER_MINUTE), Array(6).fill(429), 'past the budget: 429 on either replica')
    t.same(await failures(both, '198.51.100.5', 8), [...Array(AUTH_FAILURES_PER_MINUTE).fill(401), 429, 429, 429], 'failed authentications of one client count once for both')
  })

  await t.test('(g) Redis "restarting": still served, /ready degraded, shared again after', async (t) => {
    await redisProxy.cut()
    for (const r of both) {
      t.ok(await eventually(async () => (await call(r, 'GET', '/ready')).body?.sharedBudgets === 'degraded', 10_000), `${r.name}: /ready 200, degraded`)
    }
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) {
      const r = both[i % 2]!
      statuses.push((await call(r, 'GET', '/products?limit=5')).status)
      statuses.push((await call(r, 'POST', '/products', { token: issuer.adminToken({ sub: `auth0|redis-down-${i}` }), body: { title: 'during', price: '1.00', image: 'https://example.com/d.jpg' } })).status)
    }
    t.same(statuses.filter((s) => s >= 500), [], 'no 5xx while Redis is down (fail open)')
    await redisProxy.restore()
    for (const r of both) {
      t.ok(await eventually(async () => (await call(r, 'GET', '/ready')).body?.sharedBudgets === 'ok', 15_000), `${r.name}: shared again`)
    }
    t.same(await failures(both, '198.51.100.6', 7), [...Array(AUTH_FAILURES_PER_MINUTE).fill(401), 429, 429], 'budgets shared again after the restore')
  })

  await t.test('(f) PostgreSQL "restarting" under load: quick 503s, /ready 503, back without a restart, nothing lost', async (t) => {
    const load = writeStream(a, issuer, 'pg-gap')
    await new Promise((resolve) => setTimeout(resolve, 500))
    await a.pg.cut()
    const cutAt = performance.now()
    const during = await call(a, 'GET', '/products/1')
    t.equal(during.status, 503, 'a read during the gap: 503')
    t.ok(during.headers.get('retry-after'), 'with Retry-After')
    t.match(during.headers.get('content-type'), /application\/problem\+json/)
    t.ok(during.ms < 3000, `answered quickly, not hung (${Math.round(during.ms)} ms)`)
    t.equal((await call(a, 'GET', '/ready')).status, 503, '/ready 503 while the database is away')
    t.equal((await call(b, 'GET', '/ready')).status, 200, 'B, on its own connection, is unaffected')
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 3000 - (performance.now() - cutAt))))
    await a.pg.restore()
    t.ok(await eventually(async () => (await call(a, 'GET', '/ready')).status === 200, 15_000), 'A ready again without a restart')
    const created = await load.stop()
    t.ok(created.results.some((x) => x.status === 503), 'the stream saw 503s during the gap')
    t.same(created.results.filter((x) => x.status !== 201 && x.status !== 503).map((x) => x.status), [], 'nothing but 201 or 503')
    t.ok(created.slowest < 3500, `every write was answered within ~3 s (slowest ${Math.round(created.slowest)} ms)`)
    t.equal((await call(a, 'POST', '/products', { token: admin(), body: { title: 'after', price: '1.00', image: 'https://example.com/a.jpg' } })).status, 201, 'A writes again')
    await assertKept(t, b, created.results, issuer.adminToken({ sub: 'auth0|auditor' }))
  })

  await t.test('(e) SIGKILL of a replica during writes loses no acknowledged write', async (t) => {
    const load = writeStream(a, issuer, 'kill')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    a.proc.child.kill('SIGKILL')
    await a.proc.exited
    const created = await load.stop()
    t.ok(created.results.filter((x) => x.status === 201).length > 0, 'some writes were acknowledged before the kill')
    await assertKept(t, b, created.results, issuer.adminToken({ sub: 'auth0|auditor' }))
  })
})

async function failures (replicas: Replica[], ip: string, count: number): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < count; i++) statuses.push((await call(replicas[i % replicas.length]!, 'GET', '/me', { token: 'a.b.c', ip })).status)
  return statuses
}

interface Written {
  status: number
  id?: number
  title: string
}

/** Four writers creating products on `replica` until stopped (or until it stops answering). */
function writeStream (replica: Replica, issuer: TestIssuer, label: string): { stop(): Promise<{ results: Written[], slowest: number }> } {
  const results: Written[] = []
  let slowest = 0
  const state = { stopped: false }
  const worker = async (n: number) => {
    for (let i = 0; !state.stopped; i++) {
      const title = `${label} ${n}-${i} ${randomUUID().slice(0, 8)}`
      const token = issuer.adminToken({ sub: `auth0|${label}-${n}-${Math.floor(i / 20)}` })
      try {
        const answer = await call(replica, 'POST', '/products', { token, body: { title, price: '2.00', image: 'https://example.com/s.jpg' } })
        slowest = Math.max(slowest, answer.ms)
        results.push({ status: answer.status, id: answer.body?.id, title })
      } catch {
        // The replica is gone: an unanswered write was never acknowledged.
        if (replica.proc.hasExited()) return
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  }
  const workers = Promise.all([0, 1, 2, 3].map(worker))
  return {
    async stop () {
      state.stopped = true
      await workers
      return { results, slowest }
    }
  }
}

/** Every acknowledged (201) write is there through `replica`, with its audit entry. */
async function assertKept (t: Test, replica: Replica, results: Written[], auditor: string): Promise<void> {
  const acknowledged = results.filter((x) => x.status === 201)
  const missing: string[] = []
  for (const written of acknowledged) {
    const product = await call(replica, 'GET', `/products/${written.id}`)
    if (product.status !== 200 || product.body.title !== written.title) missing.push(`${written.id}: product ${product.status}`)
    const history = await call(replica, 'GET', `/products/${written.id}/history`, { token: auditor })
    if (!history.body?.items?.some((entry: { action: string }) => entry.action === 'create')) missing.push(`${written.id}: no audit entry (${history.status})`)
  }
  t.same(missing, [], `all ${acknowledged.length} acknowledged writes are kept, each with its audit entry`)
}
