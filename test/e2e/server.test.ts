import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { startIssuer } from '../helpers/app.js'
import { freePort, runTsSync, spawnTs, tempDir, waitForHttp, within } from '../helpers/process.js'

// The real entry point, as `npm run dev` runs it: node --import tsx src/server.ts.
const SERVER = 'src/server.ts'
const PIZZA = { title: 'Yummy Pizza', price: '10.00', image: 'https://example.com/pizza.jpg' }

t.test('server: npm start and the Dockerfile run node with the same flags, and this node accepts them', async (t) => {
  const root = new URL('../..', import.meta.url)
  const { scripts } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }
  const start = /^node((?:\s+--\S+)*)\s+dist\/server\.js$/.exec(scripts.start ?? '')
  t.ok(start, `start script: ${scripts.start}`)
  const flags = start?.[1]?.trim().split(/\s+/).filter(Boolean) ?? []
  // A V8 flag stays only with the bench figure that earns it (README, Performance); none has one now.
  t.same(flags, [], 'no V8 flags')
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('Dockerfile', root), 'utf8'))?.[1]
  t.same(JSON.parse(cmd ?? '[]'), ['node', ...flags, 'dist/server.js'], 'the Dockerfile CMD')
  const run = spawnSync(process.execPath, [...flags, '-e', 'process.exit(0)'], { encoding: 'utf8' })
  t.equal(run.status, 0, `node ${flags.join(' ')} starts (${run.stderr.trim()})`)
})

t.test('server: an invalid PORT exits 1 with one line naming PORT', async (t) => {
  const result = runTsSync(SERVER, [], { PORT: 'abc', LOG_LEVEL: 'silent', DATABASE_URL: ':memory:' })
  t.equal(result.error, undefined, 'the process ran (and ended before the timeout)')
  t.equal(result.status, 1, 'exit code 1')
  t.match(result.stderr, /^[^\n]*\n$/, `stderr is exactly one line: ${JSON.stringify(result.stderr)}`)
  t.match(result.stderr, /\bPORT\b/, 'it names PORT')
  t.match(result.stderr, /"abc"/, 'and shows the bad value')
  t.notMatch(result.stderr, /\bat .+:\d+:\d+/, 'no stack trace')
  t.equal(result.stdout, '', 'nothing on stdout')
})

t.test('server: production without an issuer exits 1 with one line naming AUTH0_DOMAIN', async (t) => {
  const dir = tempDir(t)
  const result = runTsSync(SERVER, [], {
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: `file:${join(dir, 'store.db')}`,
    DEV_ISSUER_STATE: join(dir, 'dev-issuer.json')
  })
  t.equal(result.error, undefined, 'the process ran (and ended before the timeout)')
  t.equal(result.status, 1, 'exit code 1')
  t.match(result.stderr, /^[^\n]*\n$/, `stderr is exactly one line: ${JSON.stringify(result.stderr)}`)
  t.match(result.stderr, /\bAUTH0_DOMAIN\b/, 'it names AUTH0_DOMAIN')
  t.equal(result.stdout, '', 'nothing on stdout')
  const { existsSync } = await import('node:fs')
  t.notOk(existsSync(join(dir, 'dev-issuer.json')), 'no development key was made')
  t.notOk(existsSync(join(dir, 'store.db')), 'no database was created before the config check')
})

t.test('server: production boot, real HTTP, graceful SIGTERM, restart keeps data, logs redacted', async (t) => {
  const issuer = await startIssuer(t)
  const dir = tempDir(t)
  const adminToken = issuer.adminToken()
  const badToken = issuer.token({ sub: 'auth0|someone', aud: 'https://other-api/' })
  const env = (port: number): Record<string, string> => ({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'info',
    DATABASE_URL: `file:${join(dir, 'data', 'store.db')}`,
    AUTH0_ISSUER_BASE_URL: issuer.url,
    AUTH0_AUDIENCE: issuer.audience
  })

  // First boot: create a product over real HTTP.
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const first = spawnTs(t, SERVER, env(port))
  const health = await waitForHttp(`${base}/health`, { proc: first, timeoutMs: 60_000 })
  t.same(await health.json(), { status: 'ok' }, 'GET /health answers 200 over HTTP')
  const ready = await fetch(`${base}/ready`)
  t.equal(ready.status, 200, 'and /ready')

  const empty = await fetch(`${base}/products`)
  t.same(await empty.json(), { items: [], nextCursor: null }, 'production does not seed demo data')

  const created = await fetch(`${base}/products`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(PIZZA)
  })
  t.equal(created.status, 201, 'the issuer admin token creates a product')
  const product = (await created.json()) as { id: number; title: string; price: string }
  t.match(product, { title: PIZZA.title, price: PIZZA.price })
  t.ok(issuer.jwksRequests >= 1, 'the server fetched the test issuer JWKS over HTTP')

  const refused = await fetch(`${base}/products`, {
    method: 'POST',
    headers: { authorization: `Bearer ${badToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(PIZZA)
  })
  t.equal(refused.status, 401, 'a token for another audience is refused')
  await refused.body?.cancel()

  first.child.kill('SIGTERM')
  const firstExit = await within(first.exited, 10_000, 'the server did not exit within 10 s of SIGTERM')
  t.same(firstExit, { code: 0, signal: null }, 'SIGTERM: exit code 0')
  t.equal(first.stderr(), '', 'nothing on stderr')

  // Second boot on the same database file.
  const port2 = await freePort()
  const base2 = `http://127.0.0.1:${port2}`
  const second = spawnTs(t, SERVER, env(port2))
  await waitForHttp(`${base2}/health`, { proc: second, timeoutMs: 60_000 })
  const back = await fetch(`${base2}/products/${product.id}`)
  t.equal(back.status, 200)
  t.same(await back.json(), product, 'the product survived the restart')
  const list = await fetch(`${base2}/products`)
  t.equal(((await list.json()) as { items: unknown[] }).items.length, 1, 'and nothing was added (no demo seeding)')

  second.child.kill('SIGTERM')
  const secondExit = await within(second.exited, 10_000, 'the server did not exit within 10 s of SIGTERM')
  t.same(secondExit, { code: 0, signal: null }, 'SIGTERM again: exit code 0')

  // The structured log: JSON lines, the requests are there, the tokens are not.
  for (const [name, proc] of [['first', first], ['second', second]] as const) {
    const lines = proc.stdout().split('\n').filter((line) => line !== '')
    t.ok(lines.length > 0, `${name} boot logged something`)
    const records: Array<Record<string, unknown>> = []
    for (const line of lines) {
      try {
        records.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        t.fail(`${name} boot: a log line is not JSON: ${line}`)
      }
    }
    const requestLines = records.filter((r) => r.msg === 'request completed')
    t.ok(requestLines.length > 0, `${name} boot logged its requests`)
    t.ok(requestLines.every((r) => typeof r.reqId === 'string' && typeof r.statusCode === 'number'), `${name} boot: one line per request, with its id and status`)
    t.notOk(records.some((r) => r.msg === 'incoming request'), `${name} boot: no second line per request`)
    t.ok(records.some((r) => r.signal === 'SIGTERM'), `${name} boot logged the shutdown`)
    const text = proc.stdout()
    t.notOk(text.includes(adminToken), `${name} boot: the admin token is not in the log`)
    t.notOk(text.includes(badToken), `${name} boot: the refused token is not in the log`)
    t.notOk(text.includes('Bearer '), `${name} boot: no "Bearer " anywhere in the log`)
    for (const part of adminToken.split('.')) t.notOk(text.includes(part), `${name} boot: no part of the token is in the log`)
  }
  const refusal = first.stdout().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((r) => r.msg === 'request refused')
  t.match(refusal, { status: 401 }, 'the refused request is logged, without its token')
})
