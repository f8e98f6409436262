import type { AddressInfo } from 'node:net'
import { parse as parseCsv } from 'csv-parse/sync'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'
import { send, watchHealth } from '../../helpers/health-watch.js'

/** Hostile input to bulk import and export: formulas, stalls, control characters, media types. */

const IMAGE = 'https://example.com/p.jpg'
// A stall detector, not a speed test: the CPU this process spends while one /health request
// waits. Far above a warm slice of parsing (a few ms), far below the seconds the unbounded
// parsers held the process for. See README, Limits and hardening.
const STALL_BOUND_MS = 500

t.test('CSV export cannot carry a spreadsheet formula; NDJSON returns titles exactly', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())
  const titles = ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '=1+1', 'Plain']
  const created = await app.inject({ method: 'POST', url: '/products/bulk', headers: admin, payload: titles.map((title) => ({ title, price: '1.00', image: IMAGE })) })
  t.equal(created.statusCode, 201)
  const ids = new Set((created.json().items as Array<{ id: number }>).map((item) => item.id))

  const csv = await app.inject({ method: 'GET', url: '/products/export?format=csv' })
  const cells = (parseCsv(csv.body) as string[][]).flat()
  t.same(cells.filter((cell) => /^[=+\-@\t\r]/.test(cell)), [], 'no cell a spreadsheet would run as a formula')
  const records = parseCsv(csv.body, { columns: true }) as Array<Record<string, string>>
  const exported = records.filter((r) => ids.has(Number(r.id))).map((r) => r.title)
  t.same(exported, ["'=HYPERLINK(\"http://x\")", "'+1", "'-2+3", "'@SUM(A1)", "'=1+1", 'Plain'], 'formula-like titles are text with a leading \'')

  const nd = await app.inject({ method: 'GET', url: '/products/export?format=ndjson' })
  const lines = nd.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: number; title: string })
  t.same(lines.filter((p) => ids.has(p.id)).map((p) => p.title), titles, 'NDJSON: byte-exact titles')
})

t.test('no bulk body, however shaped, holds the event loop: /health keeps answering', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const admin = bearer(issuer.adminToken())
  const row = 'Lamp,1.00,https://e.com/a\n'
  const cases: Array<[string, string, string, number]> = [
    ['CSV: 30,000 empty rows (60 KB)', 'text/csv', `title,price,image\n${',\n'.repeat(30_000)}`, 400],
    ['CSV: 40,000 empty rows (80 KB)', 'text/csv', `title,price,image\n${',\n'.repeat(40_000)}`, 400],
    ['CSV: 150,000 valid rows', 'text/csv', `title,price,image\n${row.repeat(150_000)}`, 400],
    ['CSV: 2 million empty fields in one row', 'text/csv', `title,price,image\n${','.repeat(2_000_000)}\n`, 400],
    ['NDJSON: 1 million blank lines', 'application/x-ndjson', '\n'.repeat(1_000_000), 400],
    ['NDJSON: one line of a million objects', 'application/x-ndjson', `[${'{},'.repeat(1_000_000)}{}]\n`, 400],
    ['JSON: an array of a million objects', 'application/json', `[${'{},'.repeat(1_000_000)}{}]`, 400],
    ['CSV: 1000 valid rows', 'text/csv', `title,price,image\n${row.repeat(1000)}`, 201]
  ]
  const watch = watchHealth(port)
  for (const [name, type, body, status] of cases) {
    const res = await send(port, 'POST', '/products/bulk', { ...admin, 'content-type': type }, body)
    t.equal(res.status, status, `${name}: ${status}`)
    const gap = watch.lap()
    t.comment(`${name}: /health waited at most ${Math.round(gap.wall)} ms (${Math.round(gap.cpu)} ms of CPU)`)
  }
  const { cpu, answered } = await watch.stop()
  t.ok(answered > cases.length, `/health answered throughout (${answered} times)`)
  t.ok(cpu < STALL_BOUND_MS, `the longest /health waited was ${Math.round(cpu)} ms of CPU, under ${STALL_BOUND_MS} ms`)
})

t.test('control characters and unpaired surrogates in text are refused, naming the field (and row)', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())
  const json = { ...admin, 'content-type': 'application/json' }
  const message = 'must not contain control characters or unpaired surrogates'
  const created = await app.inject({ method: 'POST', url: '/products', headers: admin, payload: { title: 'Lamp', price: '1.00', image: IMAGE } })
  const id = (created.json() as { id: number }).id
  const bad = ['a\u0000b', '\u0000', 'Tab\tinside', 'Line\nbreak', 'Lamp\n', 'del\u007f', 'c1\u0085', 'c1\u009f', '\ud800abc', 'abc\udfff', `${'\ud800'.repeat(50)}`]
  for (const title of bad) {
    const label = JSON.stringify(title).slice(0, 24)
    // JSON.stringify writes lone surrogates as \u escapes: the body is well-formed UTF-8 either way.
    const body = JSON.stringify({ title, price: '1.00', image: IMAGE })
    for (const [method, url] of [['POST', '/products'], ['PUT', `/products/${id}`], ['PATCH', `/products/${id}`]] as const) {
      const res = await app.inject({ method, url, headers: json, payload: method === 'PATCH' ? JSON.stringify({ title }) : body })
      t.equal(res.statusCode, 400, `${method} title ${label}: 400`)
      t.same(res.json().errors, [{ in: 'body', field: 'title', message }], `${method} title ${label}: names the field`)
    }
    const bulk = await app.inject({ method: 'POST', url: '/products/bulk', headers: json, payload: `[{"title":"ok","price":"1.00","image":"${IMAGE}"},${body}]` })
    t.same(bulk.json().errors, [{ in: 'body', row: 2, field: 'title', message }], `bulk JSON title ${label}: row 2, title`)
    const nd = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: `${body}\n` })
    t.same(nd.json().errors, [{ in: 'body', row: 1, field: 'title', message }], `bulk NDJSON title ${label}: row 1, title`)
  }
  for (const title of ['a\u0000b', 'del\u007f', 'c1\u0085', 'Tab\tinside']) {
    const csv = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'content-type': 'text/csv' }, payload: `title,price,image\nok,1.00,${IMAGE}\n${title},1.00,${IMAGE}\n` })
    t.equal(csv.statusCode, 400, `CSV title ${JSON.stringify(title)}: 400`)
    t.same(csv.json().errors, [{ in: 'body', row: 2, field: 'title', message }], `CSV title ${JSON.stringify(title)}: row 2, title`)
  }
  for (const image of [`${IMAGE}\u0000`, `${IMAGE}\u0085`, `${IMAGE}\ud800`]) {
    const res = await app.inject({ method: 'POST', url: '/products', headers: json, payload: JSON.stringify({ title: 'Lamp', price: '1.00', image }) })
    t.equal(res.statusCode, 400)
    t.ok((res.json().errors as Array<{ field: string }>).every((e) => e.field === 'image'), `image ${JSON.stringify(image).slice(-10)}: the image is blamed`)
  }
  for (const url of ['/products?q=a%00b', '/products?q=%C2%85', '/admin/audit?actor=a%00b', '/admin/users/a%00b']) {
    const res = await app.inject({ method: 'GET', url, headers: admin })
    t.equal(res.statusCode, 400, `${url}: 400`)
    t.equal(res.json().errors?.[0]?.message, message, `${url}: says why`)
  }
  const survivors = ['  Lamp  ', 'Ünïcödé ✓', '😀'.repeat(50), '\u00a0No-break\u3000', 'Emoji 😀 inside']
  for (const title of survivors) {
    const res = await app.inject({ method: 'POST', url: '/products', headers: json, payload: JSON.stringify({ title, price: '1.00', image: IMAGE }) })
    t.equal(res.statusCode, 201, `${JSON.stringify(title)} is still a valid title`)
    t.equal(res.json().title, title.trim(), 'stored exactly (trimmed)')
  }
  const list = await app.inject({ method: 'GET', url: '/products?limit=100' })
  t.notOk((list.json().items as Array<{ title: string }>).some((p) => /[\p{Cc}\p{Cs}\ufffd]/u.test(p.title)), 'nothing refused was stored')
})

t.test('media types are read case-insensitively, with parameters; only UTF-8 is taken', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  const admin = bearer(issuer.adminToken())
  const post = (type: string, payload: string | Buffer) => app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'content-type': type }, payload })
  const csv = (title: string) => `title,price,image\n${title},1.00,${IMAGE}\n`
  for (const [i, type] of ['TEXT/CSV', 'text/csv;charset=utf-8', 'Text/Csv;Charset="utf-8"', 'text/csv ; charset=UTF-8', 'text/csv; header=present'].entries()) {
    const res = await post(type, csv(`Éclair ${i}`))
    t.equal(res.statusCode, 201, `${type}: read as CSV`)
    t.equal(res.json().items?.[0]?.title, `Éclair ${i}`)
  }
  const nd = await post('Application/X-NDJSON; Charset=UTF-8', JSON.stringify({ title: 'Nd', price: '1.00', image: IMAGE }))
  t.equal(nd.statusCode, 201, 'NDJSON, capitalised, with a charset')
  for (const type of ['text/csv; charset=latin1', 'text/csv; charset="ISO-8859-1"', 'application/x-ndjson; charset=utf-16']) {
    const res = await post(type, csv('Lamp'))
    t.equal(res.statusCode, 415, `${type}: 415`)
    t.match(res.json().detail, /charset/)
  }
  const latin1 = await post('text/csv', Buffer.concat([Buffer.from('title,price,image\n'), Buffer.from('Caf\xe9', 'latin1'), Buffer.from(`,1.00,${IMAGE}\n`)]))
  t.equal(latin1.statusCode, 400, 'Latin-1 bytes declared as UTF-8: 400, not replacement characters')
  t.match(latin1.json().detail, /UTF-8/)
  const list = await app.inject({ method: 'GET', url: '/products?q=Caf' })
  t.same(list.json().items, [], 'nothing was stored')
})
