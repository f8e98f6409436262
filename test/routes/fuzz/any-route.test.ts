import fc from 'fast-check'
import t from 'tap'
import { startApp, startIssuer } from '../../helpers/app.js'
import { assertWellFormed, authArb, caseArb, check, newStats, NO_RATE_LIMITS, operations, requestOf, runs, seed, send, statusSummary } from './fuzz-cases.js'

// Fuzzing any operation the committed OpenAPI document lists, as anyone (see fuzz-cases.ts). FUZZ_SEED=<n> replays a run; FUZZ_RUNS scales it.

t.test('fuzz: any input to any route, as anyone: no 5xx, every 4xx is a well-formed problem', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, NO_RATE_LIMITS)
  const s = newStats()
  await seed(app, issuer, s, 10)
  await check(t, 'any route', fc.asyncProperty(caseArb(operations, authArb), async (c) => {
    s.cases++
    const request = requestOf(issuer, c)
    assertWellFormed(request, await send(app, s, request))
  }), runs(500))
  t.comment(`any route: ${s.cases} cases, ${s.requests} requests; statuses ${statusSummary(s)}`)
})
