import fc from 'fast-check'
import t from 'tap'
import { startApp, startIssuer } from '../../helpers/app.js'
import { assertWellFormed, type Auth, caseArb, check, describe, newStats, NO_RATE_LIMITS, requestOf, runs, seed, send, snapshot, statusSummary, writeOperations } from './fuzz-cases.js'

// Fuzzing admin writes: one that is refused changes nothing (see fuzz-cases.ts). FUZZ_SEED=<n> replays a run; FUZZ_RUNS scales it.

t.test('fuzz: an admin write that is refused (4xx) leaves the products unchanged', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, NO_RATE_LIMITS)
  const s = newStats()
  await seed(app, issuer, s, 10)
  let refused = 0
  let accepted = 0
  await check(t, 'admin writes', fc.asyncProperty(caseArb(writeOperations, fc.constant<Auth>('admin')), async (c) => {
    s.cases++
    let before = await snapshot(app, s)
    if (before.count < 5) { // keep something for the writes to change
      await seed(app, issuer, s, 5)
      before = await snapshot(app, s)
    }
    const request = requestOf(issuer, c)
    const res = await send(app, s, request)
    assertWellFormed(request, res)
    if (res.statusCode >= 400) {
      refused++
      const after = await snapshot(app, s)
      if (after.text !== before.text) throw new Error(`a refused write changed the products: ${describe(request, res)}`)
    } else {
      accepted++
    }
  }), runs(250))
  t.comment(`admin writes: ${s.cases} cases (${refused} refused with 4xx and checked unchanged, ${accepted} accepted), ${s.requests} requests; statuses ${statusSummary(s)}`)
})
