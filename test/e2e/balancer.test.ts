import { request as httpRequest } from 'node:http'
import { performance } from 'node:perf_hooks'
import t from 'tap'
import { waitFor } from '../helpers/wait-for.js'
import { within } from '../helpers/process.js'
import { clientRequests, type Replica, requestRecords, startCluster } from './cluster.js'
import { describe, failed, startLoad, storedOnce } from './load.js'

/*
 * deploy/haproxy.cfg with the real haproxy in front of two real replicas (test/e2e/cluster.ts):
 * request ids and client addresses end to end, a rolling restart of both replicas under a
 * mixed load with no failed request, and the balancer's own errors as problem+json.
 * Skipped where haproxy, PostgreSQL or Redis is missing; on CI each must be there.
 */

t.setTimeout(300_000)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

/** A GET through the balancer from another loopback address (127.0.0.2), so the client is not the balancer. */
function getFrom (base: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers, localAddress: '127.0.0.2', agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject).end()
  })
}

/** The replica log line with this request id, from either replica, once written. */
async function loggedLine (replicas: Replica[], reqId: string) {
  const find = () => replicas.flatMap((r) => requestRecords(r.proc)).find((r) => r.reqId === reqId)
  await waitFor(() => find() !== undefined, 5_000)
  return find()
}

t.test('through HAProxy: request ids, client addresses, rolling restart, the balancer\'s own errors', async (t) => {
  const cluster = await startCluster(t)
  if (cluster === null) return
  const { base, replicas } = cluster

  await t.test('a caller\'s valid X-Request-Id is kept, else the balancer makes one; both logs carry it, and the client address', async (t) => {
    const cases: Array<[string, Record<string, string>, (id: string) => boolean]> = [
      ['a valid id', { 'x-request-id': 'e2e-kept:1.a_b' }, (id) => id === 'e2e-kept:1.a_b'],
      ['no id', {}, (id) => UUID.test(id)],
      ['an id the API would not keep', { 'x-request-id': 'not a valid id!' }, (id) => UUID.test(id)]
    ]
    for (const [name, headers, expected] of cases) {
      // A client's own X-Forwarded-For is not believed: TRUST_PROXY=1 trusts the balancer's hop only.
      const answer = await getFrom(base, '/products?limit=1', { ...headers, 'x-forwarded-for': '203.0.113.9' })
      t.equal(answer.status, 200, `${name}: answered`)
      const id = String(answer.headers['x-request-id'])
      t.ok(expected(id), `${name}: the response names ${id}`)
      await waitFor(() => cluster.balancerLog().includes(`request_id=${id} `), 5_000)
      t.match(cluster.balancerLog(), new RegExp(`127\\.0\\.0\\.2:\\d+ .* 200 .* request_id=${id.replace(/[.]/g, '\\.')} "GET /products\\?limit=1`), `${name}: in the balancer's access log, with the client address`)
      const line = await loggedLine(replicas, id)
      t.ok(line, `${name}: in a replica's request log`)
      t.equal(line?.ip, '127.0.0.2', `${name}: the replica logs the client's address from X-Forwarded-For, not the balancer's or the spoofed one`)
    }
  })

  await t.test('rolling restart under a mixed load: no failed request, each acknowledged create stored once, nothing sent to a replica before /ready', async (t) => {
    const run = `roll-${Date.now()}`
    const load = startLoad(base, cluster.issuer.adminToken(), run, { workers: 4, maxPerWorker: 3000 })
    const started = performance.now()
    await sleep(1000)
    for (const replica of replicas) {
      const old = replica.proc
      old.child.kill('SIGTERM')
      const exit = await within(old.exited, 20_000, `${replica.name} did not exit after SIGTERM`)
      t.same(exit, { code: 0, signal: null }, `${replica.name}: SIGTERM, drained, exit 0`)
      // Taken out by its own /ready 503 during the drain, before it stopped listening.
      t.match(cluster.balancerLog(), new RegExp(`Server replicas/${replica.name} is DOWN, reason: Layer7 wrong status`), `${replica.name}: the balancer took it out on its /ready 503, not on a refused connection`)
      t.ok(clientRequests(old).some((r) => r.time > 0), `${replica.name} had served client requests before`)
      // Restarted with its Redis out of reach, it listens but /ready says 503 for a while.
      await replica.redis.cut()
      await cluster.restart(replica)
      await sleep(2000)
      await replica.redis.restore()
      const back = await waitFor(() => clientRequests(replica.proc).length > 0, 30_000)
      t.ok(back, `${replica.name}: back in the rotation once ready`)
    }
    await sleep(500)
    await load.stop()
    const outcomes = load.outcomes
    const failures = outcomes.filter(failed)
    t.comment(`rolling restart: ${outcomes.length} requests in ${Math.round(performance.now() - started)} ms ` +
      `(${outcomes.filter((o) => o.kind === 'create').length} creates), ${failures.length} failed`)
    t.ok(outcomes.length > 100, 'the load ran throughout')
    t.same(failures.map((o) => describe(o, started)), [], 'no request failed at the client')
    const { notOnce, duplicates } = await storedOnce(cluster.database, run, outcomes)
    t.same(notOnce, [], 'every acknowledged create is stored exactly once')
    t.same(duplicates, [], 'no create is stored twice')

    for (const replica of replicas) {
      const records = requestRecords(replica.proc)
      const firstReady = records.find((r) => r.url === '/ready' && r.statusCode === 200)
      const notReady = records.filter((r) => r.url === '/ready' && r.statusCode === 503)
      const client = clientRequests(replica.proc)
      t.ok(notReady.length > 0, `${replica.name}: the balancer probed it while not ready (${notReady.length} × 503)`)
      t.ok(firstReady, `${replica.name}: then /ready said 200`)
      const early = client.filter((r) => firstReady === undefined || r.time - r.responseTime < firstReady.time - firstReady.responseTime)
      t.same(early.map((r) => `${r.method} ${r.url} ${r.statusCode}`), [], `${replica.name}: no client request arrived before its first /ready 200`)
      t.ok(client.length > 0, `${replica.name}: it serves clients after (${client.length} requests)`)
    }
  })

  await t.test('no replica to answer: the balancer\'s 503 is problem+json with Retry-After and the request id', async (t) => {
    for (const replica of replicas) replica.proc.child.kill('SIGKILL')
    await Promise.all(replicas.map((r) => r.proc.exited))
    let answer: Answer | undefined
    await sleep(1_500)
    for (let i = 0; i < 20 && answer?.status !== 503; i++) {
      answer = await getFrom(base, '/products', { 'x-request-id': 'e2e-down-1' })
      if (answer.status !== 503) await sleep(250)
    }
    t.equal(answer?.status, 503, '503 once both replicas are down')
    t.match(String(answer?.headers['content-type']), /^application\/problem\+json/, 'as problem+json')
    t.equal(answer?.headers['retry-after'], '5', 'with Retry-After')
    t.equal(answer?.headers['x-request-id'], 'e2e-down-1', 'naming the caller\'s request id')
    const problem = JSON.parse(answer?.body ?? '{}') as Record<string, unknown>
    t.match(problem, { type: 'about:blank', title: 'Service Unavailable', status: 503, requestId: 'e2e-down-1' }, 'an RFC 9457 document')
    t.match(problem.detail, /no replica/i)
  })
})
