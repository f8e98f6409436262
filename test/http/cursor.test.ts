import t from 'tap'
import { encodeCursor, readAuditCursor, readProductCursor, readUserCursor } from '../../src/http/cursor.js'
import { HttpProblem } from '../../src/http/problem.js'

function refusal (read: () => unknown): string | null {
  try {
    read()
    return null
  } catch (error) {
    if (!(error instanceof HttpProblem) || error.statusCode !== 400) throw error
    return error.errors?.map((e) => `${e.field} ${e.message}`).join('; ') ?? ''
  }
}

const NOT_ISSUED = 'cursor is not a cursor this API issued'

t.test('a products cursor is read when every field is in its column\'s domain', async (t) => {
  t.same(readProductCursor(encodeCursor({ s: 'title', v: 'playstation', id: 3 }), 'title'), { value: 'playstation', id: 3 })
  t.same(readProductCursor(encodeCursor({ s: '-price', v: 9_999_999, id: 3 }), '-price'), { value: 9_999_999, id: 3 })
  t.same(readProductCursor(encodeCursor({ s: 'price', v: 0, id: Number.MAX_SAFE_INTEGER }), 'price'), { value: 0, id: Number.MAX_SAFE_INTEGER })
  t.same(readProductCursor(encodeCursor({ s: 'createdAt', v: 1_700_000_000_000, id: 1 }), 'createdAt'), { value: 1_700_000_000_000, id: 1 })
  t.same(readProductCursor(encodeCursor({ s: 'title', v: 'é 🎮 \uFFFD', id: 1 }), 'title'), { value: 'é 🎮 \uFFFD', id: 1 })
  t.equal(readProductCursor(undefined, 'id'), null)
})

t.test('a products cursor with a value outside its domain is a 400 naming cursor', async (t) => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['title', { s: 'title', v: 'a\u0000b', id: 1 }],
    ['title', { s: 'title', v: 'a\u0007b', id: 1 }],
    ['title', { s: 'title', v: 'a\ud800b', id: 1 }],
    ['-title', { s: '-title', v: '\udfff', id: 1 }],
    ['title', { s: 'title', v: 5, id: 1 }],
    ['price', { s: 'price', v: 2147483648, id: 1 }],
    ['price', { s: 'price', v: 10_000_000, id: 1 }],
    ['-price', { s: '-price', v: -2147483649, id: 1 }],
    ['-price', { s: '-price', v: -1, id: 1 }],
    ['price', { s: 'price', v: 2 ** 40, id: 1 }],
    ['price', { s: 'price', v: 2 ** 53 - 1, id: 1 }],
    ['price', { s: 'price', v: 1.5, id: 1 }],
    ['price', { s: 'price', v: '100', id: 1 }],
    ['id', { s: 'id', v: 0, id: 1 }],
    ['id', { s: 'id', v: 2 ** 53, id: 1 }],
    ['id', { s: 'id', v: 1, id: 0 }],
    ['id', { s: 'id', v: 1, id: -1 }],
    ['id', { s: 'id', v: 1, id: 2 ** 63 }],
    ['id', { s: 'id', v: 1, id: '1' }],
    ['updatedAt', { s: 'updatedAt', v: 8.64e15 + 1, id: 1 }],
    ['updatedAt', { s: 'updatedAt', v: 'yesterday', id: 1 }],
    ['id', { v: 1, id: 1 }]
  ]
  for (const [sort, position] of cases) {
    t.equal(refusal(() => readProductCursor(encodeCursor(position), sort)), NOT_ISSUED, `${sort} ${JSON.stringify(position)}`)
  }
  for (const text of ['%%%', 'bm90IGpzb24', encodeCursor({ s: 'id', v: 1, id: 1 }).slice(0, -3), Buffer.from('[1]').toString('base64url'), Buffer.from('null').toString('base64url')]) {
    t.equal(refusal(() => readProductCursor(text, 'id')), NOT_ISSUED, text)
  }
})

t.test('a cursor for another sort is refused by name', async (t) => {
  t.equal(refusal(() => readProductCursor(encodeCursor({ s: 'title', v: 'a', id: 1 }), 'price')), 'cursor was issued for sort=title, not sort=price')
  t.equal(refusal(() => readProductCursor(encodeCursor({ s: '-price', v: 5, id: 1 }), 'price')), 'cursor was issued for sort=-price, not sort=price')
})

t.test('users and audit cursors obey the same domains', async (t) => {
  t.same(readUserCursor(encodeCursor({ lastSeenAt: 1, sub: 'auth0|1' })), { lastSeenAt: 1, sub: 'auth0|1' })
  for (const position of [{ lastSeenAt: 1, sub: 'a\u0000' }, { lastSeenAt: 1, sub: '\ud800' }, { lastSeenAt: 1, sub: '' }, { lastSeenAt: 2 ** 53, sub: 'a' }, { lastSeenAt: '1', sub: 'a' }]) {
    t.equal(refusal(() => readUserCursor(encodeCursor(position))), NOT_ISSUED, JSON.stringify(position))
  }
  t.equal(readAuditCursor(encodeCursor({ before: 7 })), 7)
  for (const before of [0, -1, 2 ** 53, 1.5, '7', null]) {
    t.equal(refusal(() => readAuditCursor(encodeCursor({ before }))), NOT_ISSUED, String(before))
  }
})
