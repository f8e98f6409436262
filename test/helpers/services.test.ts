import { Redis } from 'ioredis'
import t from 'tap'
import { DEFAULT_POSTGRES_URL, postgresUrl, queryPostgres, redisUrl, type RedisTarget } from './services.js'

t.test('postgresUrl: a fresh database of its own, dropped when the test ends', async (t) => {
  let url: string | null = null
  await t.test('user', async (t) => {
    url = await postgresUrl(t)
    if (url === null) return
    const rows = await queryPostgres<{ n: number }>(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")
    t.same(rows, [{ n: 0 }], 'empty')
  })
  if (url === null) return
  const name = new URL(url).pathname.slice(1)
  const left = await queryPostgres(process.env.TEST_POSTGRES_URL ?? DEFAULT_POSTGRES_URL, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])
  t.same(left, [], `${name} dropped`)
})

t.test('redisUrl: a key prefix of its own, flushed when the test ends', async (t) => {
  let target: RedisTarget | null = null
  await t.test('user', async (t) => {
    target = await redisUrl(t)
    if (target === null) return
    const redis = new Redis(target.url)
    await redis.set(`${target.prefix}a`, '1')
    await redis.set(`${target.prefix}b`, '2')
    await redis.quit()
    t.pass('wrote two keys')
  })
  if (target === null) return
  const { url, prefix } = target as RedisTarget
  const redis = new Redis(url)
  t.teardown(() => redis.quit())
  t.same(await redis.keys(`${prefix}*`), [], 'flushed')
})
