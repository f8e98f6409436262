import t from 'tap'
import { startApp, startIssuer } from '../../helpers/app.js'
import { assertWellFormed, type Case, MIB, newStats, NO_RATE_LIMITS, operations, requestOf, seed, send, statusSummary, writeOperations } from './fuzz-cases.js'

// Every operation the committed OpenAPI document lists, sent fixed hostile requests (see fuzz-cases.ts). FUZZ_SEED=<n> replays a run; FUZZ_RUNS scales it.

t.test('the spec lists operations to fuzz', async (t) => {
  t.ok(operations.length >= 8, `${operations.length} operations: ${operations.map((op) => `${op.method} ${op.template}`).join(', ')}`)
  t.ok(writeOperations.length >= 4, `${writeOperations.length} of them write`)
})

t.test('hostile classics, sent as an admin to every operation: no 5xx, every 4xx a well-formed problem', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, NO_RATE_LIMITS)
  const s = newStats()
  await seed(app, issuer, s, 3)
  const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
  const classics: Array<[name: string, contentType: string | undefined, body: string | undefined, headers?: Record<string, string>]> = [
    ['no body', undefined, undefined],
    ['an empty JSON body', 'application/json', ''],
    ['text/plain', 'text/plain', 'hello'],
    ['a form body', 'application/x-www-form-urlencoded', 'title=a&price=1'],
    ['JSON just over 1 MiB', 'application/json', JSON.stringify({ title: 'x'.repeat(MIB) })],
    ['JSON over 4 MiB', 'application/json', JSON.stringify({ title: 'x'.repeat(4 * MIB + 10) })],
    ['a __proto__ key', 'application/json', '{"title":"x","price":"1.00","image":"https://e.com/a","__proto__":{"isAdmin":true}}'],
    ['a constructor.prototype key', 'application/json', '{"constructor":{"prototype":{"isAdmin":true}}}'],
    ['arrays nested 10000 deep', 'application/json', deepArray(10_000)],
    ['arrays nested 10000 deep, with an Idempotency-Key', 'application/json', deepArray(10_000), { 'idempotency-key': 'classic-deep' }],
    ['objects nested 10000 deep', 'application/json', '{"title":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['-0, 1e308 and 1e309', 'application/json', '{"title":"-0","price":-0,"image":1e308,"ids":[1e309]}'],
    ['NDJSON with a bad line', 'application/x-ndjson', '{"title":"a","price":"1.00","image":"https://e.com/a"}\n{'],
    ['CSV with an open quote', 'text/csv', 'title,price,image\n"a,1.00,https://e.com/a']
  ]
  for (const op of operations) {
    for (const [name, contentType, body, extra] of classics) {
      s.cases++
      const c: Case = {
        op,
        auth: 'admin',
        garbageAuth: '',
        params: Object.fromEntries(op.pathParams.map((p) => [p, '1'])),
        query: { parts: [], tail: undefined },
        headers: extra ?? {},
        body,
        contentType
      }
      const request = requestOf(issuer, c)
      const res = await send(app, s, request)
      try {
        assertWellFormed(request, res)
      } catch (error) {
        t.fail(`${op.method} ${op.template} with ${name}: ${(error as Error).message}`)
      }
    }
  }
  t.pass(`${s.cases} classic hostile requests sent`)
  t.comment(`hostile classics: ${s.cases} cases; statuses ${statusSummary(s)}`)
})
