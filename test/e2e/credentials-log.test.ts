import t from 'tap'
import { startIssuer } from '../helpers/app.js'
import { freePort, spawnTs, waitForHttp } from '../helpers/process.js'
import { postgresUrl } from '../helpers/services.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

const PG_SECRET = 'pg-Secret-4711'
const REDIS_SECRET = 'redis-Secret-0815'

async function until (check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline && !check()) await new Promise((resolve) => setTimeout(resolve, 50))
  return check()
}

t.test('passwords in DATABASE_URL and REDIS_URL never reach the output', async (t) => {
  const issuer = await startIssuer(t)
  const base = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'debug',
    AUTH0_ISSUER_BASE_URL: issuer.url,
    AUTH0_AUDIENCE: issuer.audience
  }

  await t.test('neither PostgreSQL nor Redis can be reached: the start fails, masked', async (t) => {
    const [pgPort, redisPort, port] = await Promise.all([freePort(), freePort(), freePort()])
    const proc = spawnTs(t, 'src/server.ts', {
      ...base,
      PORT: String(port),
      DATABASE_URL: `postgres://store:${PG_SECRET}@127.0.0.1:${pgPort}/store`,
      REDIS_URL: `redis://:${REDIS_SECRET}@127.0.0.1:${redisPort}`
    })
    const { code } = await proc.exited
    const output = proc.stdout() + proc.stderr()
    t.not(code, 0, 'it does not start without its database')
    t.match(proc.stderr(), /failed to start/, 'and says why')
    t.notOk(output.includes(PG_SECRET), 'no PostgreSQL password in the output')
    t.notOk(output.includes(REDIS_SECRET), 'no Redis password in the output')
  })

  await t.test('running with Redis down and PostgreSQL lost mid-way: every log line masked', async (t) => {
    const database = await postgresUrl(t)
    if (!database) return
    const url = new URL(database)
    const proxy = await startTcpProxy(t, { host: url.hostname, port: Number(url.port || 5432) })
    url.host = `127.0.0.1:${proxy.port}`
    url.username = url.username || 'postgres'
    url.password = PG_SECRET
    const [redisPort, port] = await Promise.all([freePort(), freePort()])
    const proc = spawnTs(t, 'src/server.ts', {
      ...base,
      PORT: String(port),
      DATABASE_URL: url.toString(),
      REDIS_URL: `redis://:${REDIS_SECRET}@127.0.0.1:${redisPort}`
    })
    const api = `http://127.0.0.1:${port}`
    await waitForHttp(`${api}/health`, { timeoutMs: 60_000, proc })
    t.ok(await until(() => /Redis is unreachable/.test(proc.stdout()), 10_000), 'the Redis outage is logged')
    t.match(proc.stdout(), /redis:\/\/\*\*\*@127\.0\.0\.1/, 'naming Redis by its masked URL')
    t.equal((await fetch(`${api}/ready`)).status, 503, 'not ready: Redis never reached')
    t.ok(await until(() => /request refused/.test(proc.stdout()), 5_000), 'the not-ready answer is logged as refused')
    t.notMatch(proc.stdout(), /database unavailable/, 'not as a database outage: the database is fine')
    await proxy.cut()
    const lost = await fetch(`${api}/products/1`)
    t.equal(lost.status, 503, 'the database gone: 503')
    t.ok(await until(() => /database unavailable/.test(proc.stdout()), 10_000), 'the outage is logged')
    const output = proc.stdout() + proc.stderr()
    t.notOk(output.includes(PG_SECRET), 'no PostgreSQL password in the output')
    t.notOk(output.includes(REDIS_SECRET), 'no Redis password in the output')
  })
})
