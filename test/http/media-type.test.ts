import t from 'tap'
import { decodeUtf8Body, parseMediaType } from '../../src/http/media-type.js'

t.test('parseMediaType: case-insensitive type and parameters, quoted values, lenient about junk', async (t) => {
  t.same(parseMediaType('text/csv'), { type: 'text/csv', charset: undefined })
  t.same(parseMediaType('TEXT/CSV'), { type: 'text/csv', charset: undefined })
  t.same(parseMediaType('Text/Csv;Charset="utf-8"'), { type: 'text/csv', charset: 'utf-8' })
  t.same(parseMediaType('text/csv ; charset=UTF-8'), { type: 'text/csv', charset: 'utf-8' })
  t.same(parseMediaType(' text/csv;header=present; charset="ISO-8859-1"'), { type: 'text/csv', charset: 'iso-8859-1' })
  t.same(parseMediaType('text/csv; x="a;b\\"c"; charset=latin1'), { type: 'text/csv', charset: 'latin1' }, 'a quoted ; and an escaped quote')
  t.same(parseMediaType('text/csv;foo'), { type: 'text/csv', charset: undefined }, 'a parameter without a value is ignored')
  t.equal(parseMediaType('text/csvx')?.type, 'text/csvx', 'no prefix matching')
  t.equal(parseMediaType(undefined), null)
  t.equal(parseMediaType(''), null)
  t.equal(parseMediaType('csv'), null)
})

t.test('decodeUtf8Body: UTF-8 only, strictly', async (t) => {
  t.equal(decodeUtf8Body('text/csv', Buffer.from('Éclair')), 'Éclair')
  t.equal(decodeUtf8Body('text/csv; charset=UTF-8', Buffer.from('\ufeffa')), '\ufeffa', 'a BOM is left for the CSV parser')
  t.equal(decodeUtf8Body('text/csv; charset=utf8', Buffer.from('a')), 'a')
  t.throws(() => decodeUtf8Body('text/csv; charset=latin1', Buffer.from('a')), { statusCode: 415, message: /charset/ })
  t.throws(() => decodeUtf8Body('text/csv; charset="UTF-16"', Buffer.from('a')), { statusCode: 415, message: /charset/ })
  t.throws(() => decodeUtf8Body('text/csv', Buffer.from([0x61, 0xe9, 0x62])), { statusCode: 400, message: 'The body is not valid UTF-8.' }, 'Latin-1 bytes sent as UTF-8')
  t.throws(() => decodeUtf8Body('text/csv', Buffer.from([0xed, 0xa0, 0x80])), { statusCode: 400, message: 'The body is not valid UTF-8.' }, 'an encoded surrogate')
})
