import { performance } from 'node:perf_hooks'
import t from 'tap'
import { within } from '../helpers/process.js'
import { clientRequests, startCluster } from './cluster.js'
import { describe, failed, startLoad, storedOnce } from './load.js'

/*
 * SIGKILL of one replica behind deploy/haproxy.cfg under a mixed load: only requests in flight
 * on the killed replica may fail, none more than 2 s after the kill, and a request sent after
 * it is answered by the other replica (the connection refused is retried there). Skipped where
 * haproxy, PostgreSQL or Redis is missing; on CI each must be there.
 */

t.setTimeout(240_000)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('SIGKILL of a replica under load: only requests in flight fail, none more than 2 s after the kill', async (t) => {
  const cluster = await startCluster(t)
  if (cluster === null) return
  const [survivor, victim] = cluster.replicas
  const run = `kill-${Date.now()}`
  const load = startLoad(cluster.base, cluster.issuer.adminToken(), run, { workers: 6, maxPerWorker: 3000 })
  await sleep(1500)
  const servedBefore = clientRequests(victim.proc).length
  const killedAt = performance.now()
  victim.proc.child.kill('SIGKILL')
  await within(victim.proc.exited, 5_000, 'the replica did not die on SIGKILL')
  // When the replica was gone for sure: the signal takes a moment to land on a busy machine.
  const diedAt = performance.now()
  await sleep(4000)
  await load.stop()

  const outcomes = load.outcomes
  const inFlight = outcomes.filter((o) => o.startedAt < diedAt && o.endedAt > killedAt)
  const after = outcomes.filter((o) => o.startedAt >= diedAt)
  const failures = outcomes.filter(failed)
  t.comment(`SIGKILL: died ${Math.round(diedAt - killedAt)} ms after the signal; ${outcomes.length} requests, ` +
    `${inFlight.length} in flight at the kill, ${after.length} sent after it; ` +
    `${failures.length} failed (${failures.map((o) => `${o.kind} ${o.status ?? o.error}`).join(', ') || 'none'})`)
  t.ok(servedBefore > 0, `the killed replica was serving clients (${servedBefore} requests)`)
  t.ok(after.length > 20, `the load went on after the kill (${after.length} requests)`)
  t.same(failures.filter((o) => o.startedAt >= diedAt).map((o) => describe(o, killedAt)), [], 'no request sent after the kill failed')
  t.same(failures.filter((o) => o.startedAt < killedAt && o.endedAt <= killedAt).map((o) => describe(o, killedAt)), [], 'none failed before it')
  const slowest = Math.max(0, ...after.map((o) => o.endedAt - o.startedAt))
  t.comment(`the slowest request sent after the kill took ${Math.round(slowest)} ms`)
  t.same(failures.filter((o) => o.endedAt > killedAt + 2000).map((o) => describe(o, killedAt)), [], 'no failure came more than 2 s after the kill')
  // The balancer's account of each request it did not see through (its termination state is not ----).
  const cut = cluster.balancerLog().split('\n').filter((line) => / [A-Z-]{4} \d+\/\d+/.test(line) && !/ ---- /.test(line))
  t.comment(`balancer log, requests ended abnormally (a connection closed with no answer is not logged):\n${cut.join('\n') || 'none'}`)
  // A write cut off in flight is not retried (it may have been applied). HAProxy answers it 502
  // (problem+json), or, when it was not the first request on the client's keep-alive connection,
  // closes that connection without an answer, as a server closing an idle one would.
  for (const failure of failures) {
    t.equal(failure.kind, 'create', `a failure is a write cut off in flight (reads are retried by the balancer): ${failure.status ?? failure.error}`)
    if (failure.status === undefined) {
      t.equal(failure.error, 'UND_ERR_SOCKET', '...its connection closed with no answer')
    } else {
      t.equal(failure.status, 502, '...answered 502 by the balancer')
      t.match(failure.body, /^\{"type":"about:blank","title":"Bad Gateway","status":502/, '...as problem+json')
    }
  }
  t.ok(clientRequests(survivor.proc).length > 0, 'the other replica answered')
  t.match(cluster.balancerLog(), /Server replicas\/api-2 is DOWN/, 'the balancer took the killed replica out')

  const { notOnce, duplicates } = await storedOnce(cluster.database, run, outcomes)
  t.same(notOnce, [], 'every acknowledged create is stored exactly once')
  t.same(duplicates, [], 'no create is stored twice (a cut-off write was not retried)')
})
