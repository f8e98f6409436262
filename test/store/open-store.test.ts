import { join } from 'node:path'
import t from 'tap'
import { SettingError } from '../../src/lib/setting-error.js'
import { openFailure, openStore } from '../../src/store/open-store.js'
import { tempDir } from '../helpers/process.js'
import { postgresUrl } from '../helpers/services.js'

const SECRET = 'S3cret-pw-0815'

/** The `t` a subtest callback receives. */
type TestContext = Parameters<Parameters<typeof t.test>[0]>[0]

/** The SettingError openStore(url) fails with (failing the test when it opens). */
async function failure (t: TestContext, url: string): Promise<string> {
  const error = await openStore(url).then(async (store) => {
    await store.close()
    return null
  }, (e: unknown) => e)
  t.type(error, SettingError, `${url.replace(SECRET, '…')} fails as a SettingError`)
  const message = error instanceof Error ? error.message : ''
  t.notOk(message.includes(SECRET), 'the password is never in it')
  return message
}

t.test('openStore names DATABASE_URL, masked, with why it cannot be opened', async (t) => {
  t.equal(await failure(t, `postgres://u:${SECRET}@127.0.0.1:1/x`), 'DATABASE_URL (postgres://u:***@127.0.0.1:1/x): cannot connect: ECONNREFUSED')
  t.match(await failure(t, `postgres://u:${SECRET}@no-such-host.invalid/x`), /^DATABASE_URL \(postgres:\/\/u:\*\*\*@no-such-host\.invalid\/x\): unknown host: E/)
  const dir = tempDir(t)
  t.match(await failure(t, `file:${join(dir, 'a-directory')}/..`), /^DATABASE_URL \(file:.+\): cannot open/)
  t.match(await failure(t, 'mysql://h/d'), /^DATABASE_URL \(mysql:\/\/h\/d\): cannot open: names no supported store: mysql:$/)
})

t.test('openStore on the real PostgreSQL: a refused login and a missing database say so', async (t) => {
  const url = await postgresUrl(t)
  if (url === null) return
  const role = new URL(url)
  role.username = 'no_such_role_25'
  role.password = SECRET
  t.match(await failure(t, role.href), /^DATABASE_URL \(postgres:\/\/no_such_role_25:\*\*\*@[^)]+\): login refused: role "no_such_role_25" does not exist$/)
  const missing = new URL(url)
  missing.pathname = '/no_such_database_25'
  t.match(await failure(t, missing.href), /\/no_such_database_25\): no such database: database "no_such_database_25" does not exist$/)
})

t.test('openFailure reads the reason wherever the driver put it', async (t) => {
  const refused = Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })
  t.equal(openFailure(new AggregateError([refused, refused], '')), 'cannot connect: ECONNREFUSED', 'a dual-stack AggregateError')
  t.equal(openFailure(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) })), 'no answer in time: ETIMEDOUT', 'a cause')
  t.equal(openFailure(new Error('Connection terminated due to connection timeout')), 'no answer in time')
  t.equal(openFailure(new Error('Connection terminated unexpectedly')), 'cannot connect: the connection was closed')
  t.equal(openFailure(Object.assign(new Error('password authentication failed for user "u"'), { code: '28P01' })), 'login refused: password authentication failed for user "u"')
  t.equal(openFailure('odd'), 'cannot open: odd')
})
