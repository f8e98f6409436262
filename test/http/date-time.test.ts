import t from 'tap'
import { parseDateTime, readDateTime } from '../../src/http/date-time.js'
import { HttpProblem } from '../../src/http/problem.js'

const iso = (text: string) => parseDateTime(text)?.toISOString() ?? null

t.test('every form of RFC 3339 the schema accepts is read as the instant it names', async (t) => {
  const cases: Array<[string, string]> = [
    ['2016-12-31T23:59:59Z', '2016-12-31T23:59:59.000Z'],
    ['2016-12-31t23:59:59z', '2016-12-31T23:59:59.000Z'],
    ['2016-12-31 23:59:59Z', '2016-12-31T23:59:59.000Z'],
    ['2017-01-01T00:59:59+01:00', '2016-12-31T23:59:59.000Z'],
    ['2017-01-01T00:59:59+0100', '2016-12-31T23:59:59.000Z'],
    ['2017-01-01T00:59:59+01', '2016-12-31T23:59:59.000Z'],
    ['2016-12-31T18:29:59-05:30', '2016-12-31T23:59:59.000Z'],
    ['2016-12-31T23:59:59.1Z', '2016-12-31T23:59:59.100Z'],
    ['2016-12-31T23:59:59.123456789Z', '2016-12-31T23:59:59.123Z'],
    ['2016-02-29T00:00:00Z', '2016-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z']
  ]
  for (const [text, wanted] of cases) t.equal(iso(text), wanted, text)
})

t.test('a leap second is clamped to the last millisecond before the next minute, never NaN', async (t) => {
  for (const text of ['2016-12-31T23:59:60Z', '2016-12-31t23:59:60z', '2017-01-01T00:59:60+01:00', '2016-12-31T18:59:60-05:00', '2016-12-31T23:59:60.5Z']) {
    t.equal(iso(text), '2016-12-31T23:59:59.999Z', text)
  }
  t.equal(iso('2015-06-30T23:59:60Z'), '2015-06-30T23:59:59.999Z')
})

t.test('anything else is null', async (t) => {
  for (const text of [
    '', 'now', '2016-12-31', '2016-12-31T23:59:59', '2016-13-01T00:00:00Z', '2016-00-01T00:00:00Z', '2015-02-29T00:00:00Z',
    '2016-04-31T00:00:00Z', '2016-12-31T24:00:00Z', '2016-12-31T23:60:00Z', '2016-12-31T23:59:61Z', '2016-12-31T12:00:60Z',
    '2016-12-31T24:59:60+01:00', '2016-12-31T23:59:59+24:00', '2016-12-31T23:59:59+01:60', '2016-12-31T23:59:59Z\u0000',
    '+002016-12-31T23:59:59Z', '2016-12-31T23:59:59.Z', '２０16-12-31T23:59:59Z'
  ]) {
    t.equal(parseDateTime(text), null, JSON.stringify(text))
  }
})

t.test('readDateTime: absent is null, unreadable is a 400 naming the parameter', async (t) => {
  t.equal(readDateTime('from', undefined), null)
  t.equal(readDateTime('to', '2016-12-31T23:59:60Z')?.getTime(), Date.UTC(2016, 11, 31, 23, 59, 59, 999))
  const error = t.throws(() => readDateTime('to', '2016-12-31T12:00:60Z')) as unknown
  t.ok(error instanceof HttpProblem)
  t.equal((error as HttpProblem).statusCode, 400)
  t.same((error as HttpProblem).errors?.map((e) => [e.in, e.field]), [['querystring', 'to']])
})
