import { parse as parseCsv } from 'csv-parse/sync'
import t from 'tap'
import { bearer, startApp, startIssuer } from './helpers/app.js'

/** Hostile input to bulk import and export: formulas, stalls, control characters, media types. */

const IMAGE = 'https://example.com/p.jpg'

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
