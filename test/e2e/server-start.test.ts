import t from 'tap'
import { startIssuer } from '../helpers/app.js'
import { freePort, spawnTs, startServerProcess } from '../helpers/process.js'
import { postgresUrl, redisUrl } from '../helpers/services.js'

// Each case is a cold `node --import tsx` start: on a loaded machine that alone can take a minute.
t.setTimeout(300_000)

// Never printed, whichever setting holds it.
const SECRET = 'S3cret-pw-4711'

/** The `t` a subtest callback receives. */
type TestContext = Parameters<Parameters<typeof t.test>[0]>[0]

interface Case {
  label: string
  env: Record<string, string>
  /** What stderr's one line must say after "failed to start: ". */
  says: RegExp
}

/** Starts the real server with each case's settings, all at once, and checks how each fails. */
async function assertStartFails (t: TestContext, cases: Case[]): Promise<void> {
  const issuer = await startIssuer(t)
  const started = await Promise.all(cases.map(async (c) => ({
    c,
    proc: spawnTs(t, 'src/server.ts', {
      NODE_ENV: 'production',
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      AUTH0_ISSUER_BASE_URL: issuer.url,
      AUTH0_AUDIENCE: issuer.audience,
      WARM_UP_REQUESTS: '0',
      DATABASE_URL: ':memory:',
      ...c.env
    })
  })))
  for (const { c, proc } of started) {
    const { code } = await proc.exited
    t.equal(code, 1, `${c.label}: exits 1`)
    const line = proc.stderr().split('\n').find((text) => text.startsWith('store-api: failed to start: ')) ?? proc.stderr()
    t.match(line, c.says, `${c.label}: names the setting, its masked value and why (${line.trim()})`)
    t.notOk((proc.stdout() + proc.stderr()).includes(SECRET), `${c.label}: the password is never printed`)
  }
}

/**
 * A service helper's answer, without its skip: an unreachable service only drops its own cases
 * (the helper's plan(0) would end the whole test, whose other cases still run). On CI it throws.
 */
function keepGoing (t: TestContext, service: string) {
  return { teardown: (fn: () => unknown) => t.teardown(fn), plan: () => t.comment(`${service} not reachable: its cases skipped`) }
}

const nameAndValue = (setting: string, shown: string) => new RegExp(`^store-api: failed to start: ${setting} \\(${shown.replace(/[.*?()/]/g, '\\$&')}\\): `)

async function databaseCases (t: TestContext): Promise<Case[]> {
  const cases: Case[] = [
    { label: 'refused', env: { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' }, says: /DATABASE_URL \(postgres:\/\/nobody@127\.0\.0\.1:1\/x\): cannot connect: ECONNREFUSED$/m },
    { label: 'refused, with a password', env: { DATABASE_URL: `postgres://nobody:${SECRET}@127.0.0.1:1/x` }, says: nameAndValue('DATABASE_URL', 'postgres://nobody:***@127.0.0.1:1/x') },
    { label: 'unknown host', env: { DATABASE_URL: `postgres://u:${SECRET}@no-such-host.invalid/x` }, says: /DATABASE_URL \(postgres:\/\/u:\*\*\*@no-such-host\.invalid\/x\): unknown host/ }
  ]
  const database = await postgresUrl(keepGoing(t, 'PostgreSQL'))
  if (!database) return cases
  const role = new URL(database)
  role.username = 'no_such_role_25'
  role.password = SECRET
  const missing = new URL(database)
  missing.pathname = '/no_such_database_25'
  return [
    ...cases,
    { label: 'a role that does not exist', env: { DATABASE_URL: role.href }, says: /DATABASE_URL \(postgres:\/\/no_such_role_25:\*\*\*@[^)]+\): login refused: role "no_such_role_25" does not exist/ },
    { label: 'a database that does not exist', env: { DATABASE_URL: missing.href }, says: /DATABASE_URL \([^)]+\/no_such_database_25\): no such database/ }
  ]
}

// A Redis outage is no reason to refuse to start (see the last test); these are.
async function redisCases (t: TestContext): Promise<Case[]> {
  const cases: Case[] = [
    { label: 'Redis: unknown host', env: { REDIS_URL: `redis://:${SECRET}@no-such-host.invalid:6379` }, says: /REDIS_URL \(redis:\/\/\*\*\*@no-such-host\.invalid:6379\): unknown host/ }
  ]
  const redis = await redisUrl(keepGoing(t, 'Redis'))
  if (!redis) return cases
  const login = new URL(redis.url)
  login.username = 'no_such_user_25'
  login.password = SECRET
  const db = new URL(redis.url)
  db.pathname = '/999'
  return [
    ...cases,
    { label: 'Redis: a login refused', env: { REDIS_URL: login.href }, says: /REDIS_URL \(redis:\/\/no_such_user_25:\*\*\*@[^)]+\): login refused/ },
    { label: 'Redis: a database index out of range', env: { REDIS_URL: db.href }, says: /REDIS_URL \([^)]+\/999\): no such database/ }
  ]
}

t.test('a DATABASE_URL or REDIS_URL that cannot serve names itself, masked, says why, and the start fails', async (t) => {
  await assertStartFails(t, [...await databaseCases(t), ...await redisCases(t)])
})

t.test('a Redis that refuses connections is an outage: the server starts and the log names REDIS_URL', async (t) => {
  const issuer = await startIssuer(t)
  const port = await freePort()
  const { proc, base } = await startServerProcess(t, issuer, { DATABASE_URL: ':memory:', REDIS_URL: `redis://:${SECRET}@127.0.0.1:${port}` })
  t.equal((await fetch(`${base}/products`)).status, 200, 'it serves, counting budgets per process')
  t.match(proc.stdout(), new RegExp(`REDIS_URL \\(redis://\\*\\*\\*@127\\.0\\.0\\.1:${port}\\): cannot connect: ECONNREFUSED`), 'the warning names the setting')
  t.notOk((proc.stdout() + proc.stderr()).includes(SECRET), 'the password is never printed')
})
