import t from 'tap'
import { isUnavailable, translate } from '../../src/store/pg/errors.js'
import { StoreUnavailable } from '../../src/store/types.js'

const withCode = (code: string) => Object.assign(new Error(`error ${code}`), { code })

t.test('errors meaning "the database cannot serve now" become StoreUnavailable', async (t) => {
  for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '08006', '08001', '57P01', '57P02', '57P03', '57014', '55P03', '53300', '53100', '25006', '40001', '40P01']) {
    const translated = translate(withCode(code))
    t.ok(translated instanceof StoreUnavailable, code)
    t.equal((translated as StoreUnavailable).cause instanceof Error, true, `${code} keeps its cause`)
  }
  for (const message of ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect', 'Query read timeout']) {
    t.ok(isUnavailable(new Error(message)), message)
  }
  t.ok(isUnavailable(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])), 'a dual-stack refusal')
  t.ok(isUnavailable(new Error('wrapped', { cause: withCode('57P01') })), 'a cause')
})

t.test('errors about the request itself pass through unchanged', async (t) => {
  for (const code of ['23505', '23514', '22P02', '42P01', '42703']) {
    const error = withCode(code)
    t.equal(translate(error), error, code)
  }
  t.equal(translate('text'), 'text')
  t.equal(isUnavailable(null), false)
})
