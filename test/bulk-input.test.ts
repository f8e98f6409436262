import type { AddressInfo } from 'node:net'
import { parse as parseCsv } from 'csv-parse/sync'
import t from 'tap'
import { bearer, startApp, startIssuer } from './helpers/app.js'
import { send, watchHealth } from './helpers/health-watch.js'

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
