import t from 'tap'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'
import { redisUrl } from '../../helpers/services.js'
import { startTcpProxy } from '../../helpers/tcp-proxy.js'
import { waitFor } from '../../helpers/wait-for.js'
import { SharedCounterStore, type SharedWindow } from '../../../src/plugins/external/rate-limit-store.js'

const PRODUCT = { title: 'Lamp', price: '12.00', image: 'https://example.com/lamp.jpg' }

t.test('two apps on one Redis share the three budgets; Redis down: served, counted per process', async (t) => {
  const redis = await redisUrl(t)
  if (!redis) return
  const { port } = new URL(redis.url)
  const proxy = await startTcpProxy(t, { host: '127.0.0.1', port: Number(port || 6379) })
  const issuer = await startIssuer(t)
  const env = {
    REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
    REDIS_KEY_PREFIX: redis.prefix,
    RATE_LIMIT_READS: '10',
    RATE_LIMIT_WRITES: '4',
    RATE_LIMIT_AUTH_FAILURES: '3'
  }
  const a = await startApp(t, issuer, env)
  const b = await startApp(t, issuer, env)
  t.ok(await waitFor(() => a.sharedBudgets() === 'ok' && b.sharedBudgets() === 'ok'), 'both reached Redis')
  t.same((await a.inject({ method: 'GET', url: '/ready' })).json().sharedBudgets, 'ok')

  const reads = []
  for (let i = 0; i < 12; i++) reads.push((await (i % 2 === 0 ? a : b).inject({ method: 'GET', url: '/products' })).statusCode)
  t.same(reads, [...Array(10).fill(200), 429, 429], 'the read budget of one IP is one for both apps')

  // The write budget is one per subject across routes and apps: POST on A, PUT/DELETE on B.
  const admin = bearer(issuer.adminToken({ sub: 'auth0|writer' }))
  const writes = [
    (await a.inject({ method: 'POST', url: '/products', headers: admin, payload: PRODUCT })).statusCode,
    (await b.inject({ method: 'PUT', url: '/products/999', headers: admin, payload: PRODUCT })).statusCode,
    (await a.inject({ method: 'POST', url: '/products', headers: admin, payload: PRODUCT })).statusCode,
    (await b.inject({ method: 'DELETE', url: '/products/999', headers: admin })).statusCode,
    (await a.inject({ method: 'POST', url: '/products', headers: admin, payload: PRODUCT })).statusCode,
    (await b.inject({ method: 'DELETE', url: '/products/999', headers: admin })).statusCode
  ]
  t.same(writes.slice(4), [429, 429], `past 4 writes on any route of either app: 429 (${writes.join(', ')})`)
  t.notOk(writes.slice(0, 4).includes(429), 'within the budget: not refused')

  const bad = { authorization: 'Bearer a.b.c' }
  const failures = []
  for (let i = 0; i < 5; i++) failures.push((await (i % 2 === 0 ? a : b).inject({ method: 'GET', url: '/me', headers: bad, remoteAddress: '198.51.100.7' })).statusCode)
  t.same(failures, [401, 401, 401, 429, 429], 'failed authentications of one IP are counted once for both apps')

  // Redis "restarts": still served (fail open), counted per process, /ready 200 degraded.
  await proxy.cut()
  t.ok(await waitFor(() => a.sharedBudgets() === 'degraded'), 'A sees Redis down')
  const ready = await a.inject({ method: 'GET', url: '/ready' })
  t.equal(ready.statusCode, 200, 'a Redis outage does not take the replica out')
  t.equal(ready.json().sharedBudgets, 'degraded')
  const other = { remoteAddress: '203.0.113.9' }
  const local = []
  for (let i = 0; i < 11; i++) local.push((await a.inject({ method: 'GET', url: '/products', ...other })).statusCode)
  t.same(local, [...Array(10).fill(200), 429], 'counted per process while Redis is down: no 5xx, the budget still holds')
  t.equal((await b.inject({ method: 'GET', url: '/products', ...other })).statusCode, 200, 'B counts on its own meanwhile')

  await proxy.restore()
  t.ok(await waitFor(() => a.sharedBudgets() === 'ok' && b.sharedBudgets() === 'ok'), 'both back on Redis')
  const fresh = { remoteAddress: '203.0.113.10' }
  const again = []
  for (let i = 0; i < 11; i++) again.push((await (i % 2 === 0 ? a : b).inject({ method: 'GET', url: '/products', ...fresh })).statusCode)
  t.same(again, [...Array(10).fill(200), 429], 'shared again after the restore')
})

t.test('/ready waits until Redis has been reached once', async (t) => {
  const redis = await redisUrl(t)
  if (!redis) return
  const { port } = new URL(redis.url)
  const proxy = await startTcpProxy(t, { host: '127.0.0.1', port: Number(port || 6379) })
  await proxy.cut()
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: redis.prefix })
  const before = await app.inject({ method: 'GET', url: '/ready' })
  t.equal(before.statusCode, 503, 'never reached: not ready')
  t.match(before.json().detail, /Redis/)
  t.equal((await app.inject({ method: 'GET', url: '/products' })).statusCode, 200, 'requests are served anyway')
  await proxy.restore()
  t.ok(await waitFor(() => app.sharedBudgets() === 'ok'), 'reconnected on its own')
  t.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200)
})

t.test('a failing shared count falls back to the local count, warned once per outage, children included', async (t) => {
  // A window that is "connected" but whose commands fail: what a Redis timeout looks like.
  let failing = true
  let sharedCount = 0
  const window: SharedWindow = {
    available: true,
    increment: async () => {
      if (failing) throw new Error('Command timed out')
      return { current: ++sharedCount, ttl: 60_000 }
    }
  }
  const warnings: unknown[] = []
  const Store = SharedCounterStore.sharing({ window, onFallback: (error) => warnings.push(error) })
  const root = new Store({})
  const child = root.child()
  const incr = async (store: SharedCounterStore, key: string) => new Promise<number>((resolve, reject) => {
    store.incr(key, (error, result) => (error ? reject(error) : resolve(result!.current)), 60_000)
  })
  t.same([await incr(root, 'write:a'), await incr(child, 'write:a'), await incr(child, 'write:a')], [1, 2, 3], 'counted locally, one count for root and child')
  t.equal(warnings.length, 1, 'one warning for the outage, not one per request')
  failing = false
  t.equal(await incr(child, 'write:a'), 1, 'back to the shared count once it answers')
  failing = true
  t.equal(await incr(root, 'write:a'), 4, 'the local count resumes where it was')
  t.equal(warnings.length, 2, 'a new outage warns again')
})

t.test('the local counters are bounded at 50,000 keys; the windows that started first go first', async (t) => {
  const Store = SharedCounterStore.sharing(undefined)
  const store = new Store({})
  const count = (key: string, windowMs = 60_000) => {
    let current = 0
    store.incr(key, (_error, result) => { current = result!.current }, windowMs)
    return current
  }
  t.same([count('a'), count('a'), count('b')], [1, 2, 1])
  for (let i = 3; i <= 50_000; i++) count(`ip-${i}`)
  t.equal(count('a', 0), 1, "a's window ended and starts again, now the newest")
  count('new')
  t.equal(count('a'), 2, 'the restarted window is kept')
  t.equal(count('b'), 1, 'the oldest window, b, was dropped to make room')
  t.equal(count('ip-400'), 1, 'with the next oldest, in one batch')
  t.equal(count('ip-1000'), 2, 'a later window is kept')
})
