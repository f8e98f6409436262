import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../helpers/app.js'
import { send, watchHealth } from '../helpers/health-watch.js'

/**
 * What one request may cost: each large or pathological input the API takes, one after another,
 * against a listening app, while a second client polls /health over its own socket. No input
 * may hold the event loop: the CPU this process spends while one /health request waits stays
 * under the bound in README (Limits and hardening). A stall detector, not a speed test.
 */

const STALL_BOUND_MS = 500
const IMAGE = 'https://example.com/p.jpg'
const PRODUCT = JSON.stringify({ title: 'Lamp', price: '1.00', image: IMAGE })
const CSV_HEADER = 'title,price,image\n'
const CSV_ROW = `Lamp,1.00,${IMAGE}\n`

/** A body sent in pieces, a pause apart: the request stays open without costing the loop. */
function slowPost (port: number, path: string, headers: Record<string, string>, pieces: string[], pauseMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const length = pieces.reduce((sum, piece) => sum + Buffer.byteLength(piece), 0)
    const head = Object.entries({ ...headers, host: '127.0.0.1', 'content-length': String(length), connection: 'close' })
      .map(([name, value]) => `${name}: ${value}\r\n`).join('')
    const socket = connect(port, '127.0.0.1', async () => {
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`)
      for (const piece of pieces) {
        await sleep(pauseMs)
        socket.write(piece)
      }
    })
    let response = ''
    socket.on('data', (chunk) => { response += chunk.toString() })
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0)))
    socket.on('error', reject)
  })
}

t.test('no input the API accepts holds the event loop', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  const admin = bearer(issuer.adminToken())
  const json = { ...admin, 'content-type': 'application/json' }
  const csv = { ...admin, 'content-type': 'text/csv' }
  const ndjson = { ...admin, 'content-type': 'application/x-ndjson' }
  const nested = (depth: number) => `${'{"title":'.repeat(depth)}1${'}'.repeat(depth)}`
  const words = (count: number) => Array.from({ length: count }, (_, i) => String.fromCharCode(97 + (i % 26))).join(' ')

  // [name, method, path, headers, body, expected status]
  const cases: Array<[string, string, string, Record<string, string>, string | undefined, number]> = [
    ['JSON nested 32 deep', 'POST', '/products', json, nested(31), 400],
    ['JSON nested 33 deep', 'POST', '/products', json, nested(33), 400],
    ['JSON nested 300,000 deep', 'POST', '/products', json, nested(300_000).slice(0, 1024 * 1024 - 1), 400],
    ['JSON with 10,000 values', 'POST', '/products/bulk-delete', json, `{"ids":[${'1,'.repeat(9_997)}1]}`, 400],
    ['JSON with a third of a million objects (1 MiB)', 'POST', '/products', json, `[${'{},'.repeat(349_000)}{}]`, 400],
    ['JSON over 1 MiB', 'POST', '/products', json, JSON.stringify({ title: 'x'.repeat(1024 * 1024) }), 413],
    ['a URL near the 16 KiB limit', 'GET', `/products?q=${'a'.repeat(15_000)}`, {}, undefined, 400],
    ['a query of 4,000 parameters', 'GET', `/products?${'x=1&'.repeat(3_900)}`, {}, undefined, 400],
    ['a 15 KB cursor', 'GET', `/products?cursor=${'A'.repeat(15_000)}`, {}, undefined, 400],
    ['a 500-character garbage cursor', 'GET', `/products?cursor=${'A'.repeat(500)}`, {}, undefined, 400],
    ['100 search words', 'GET', `/products?q=${encodeURIComponent(words(100))}`, {}, undefined, 400],
    ['8 search words (the most), sorted by title, descending', 'GET', `/products?q=${encodeURIComponent(words(8))}&sort=-title&limit=100`, {}, undefined, 200],
    ['8 long search words', 'GET', `/products?q=${Array.from({ length: 8 }, () => 'a'.repeat(24)).join('+')}&limit=100`, {}, undefined, 200],
    ['audit filtered by a 200-character actor', 'GET', `/admin/audit?actor=${'a'.repeat(200)}`, admin, undefined, 200],
    ['CSV: 30,000 empty rows', 'POST', '/products/bulk', csv, `${CSV_HEADER}${',\n'.repeat(30_000)}`, 400],
    ['CSV: 1001 rows', 'POST', '/products/bulk', csv, `${CSV_HEADER}${CSV_ROW.repeat(1001)}`, 400],
    ['CSV: 110,000 rows (just under 4 MiB)', 'POST', '/products/bulk', csv, `${CSV_HEADER}${CSV_ROW.repeat(110_000)}`, 400],
    ['CSV: one 4 MB field', 'POST', '/products/bulk', csv, `${CSV_HEADER}${'a'.repeat(4_000_000)}`, 400],
    ['CSV: one 4 MB quoted field', 'POST', '/products/bulk', csv, `${CSV_HEADER}"${'a'.repeat(4_000_000)}"\n`, 400],
    ['CSV: 4 million columns', 'POST', '/products/bulk', csv, ','.repeat(4_000_000), 400],
    ['CSV: a million quoted line breaks in one record', 'POST', '/products/bulk', csv, `${CSV_HEADER}${',"\n"'.repeat(1_000_000)}`, 400],
    ['CSV: an unterminated quote', 'POST', '/products/bulk', csv, `${CSV_HEADER}"${'a,\n'.repeat(1_300_000)}`, 400],
    ['CSV: 4 million blank lines', 'POST', '/products/bulk', csv, '\n'.repeat(4_000_000), 400],
    ['NDJSON: 30,000 empty objects', 'POST', '/products/bulk', ndjson, '{}\n'.repeat(30_000), 400],
    ['NDJSON: 1001 rows', 'POST', '/products/bulk', ndjson, `${PRODUCT}\n`.repeat(1001), 400],
    ['NDJSON: 4 million blank lines', 'POST', '/products/bulk', ndjson, '\n'.repeat(4_000_000), 400],
    ['NDJSON: one line of a million objects', 'POST', '/products/bulk', ndjson, `[${'{},'.repeat(1_000_000)}{}]`, 400],
    ['NDJSON: one 4 MB string', 'POST', '/products/bulk', ndjson, `"${'a'.repeat(4_000_000)}"`, 400],
    ['NDJSON: 1000 rows nested 32 deep', 'POST', '/products/bulk', ndjson, `${nested(32)}\n`.repeat(1000), 400],
    ['JSON bulk: a million objects (4 MiB)', 'POST', '/products/bulk', json, `[${'{},'.repeat(1_000_000)}{}]`, 400],
    ['JSON bulk: 1001 rows', 'POST', '/products/bulk', json, `[${`${PRODUCT},`.repeat(1000)}${PRODUCT}]`, 400],
    ['export as CSV', 'GET', '/products/export?format=csv', {}, undefined, 200]
  ]

  // Something to search and export: 2000 products, titles made of the search words' letters.
  for (let batch = 0; batch < 2; batch++) {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ title: `${words(8)} ${batch * 1000 + i}`, price: '1.00', image: IMAGE }))
    t.equal((await send(port, 'POST', '/products/bulk', json, JSON.stringify(rows))).status, 201, 'seeded')
  }

  const watch = watchHealth(port)
  for (const [name, method, path, headers, body, status] of cases) {
    const res = await send(port, method, path, headers, body)
    const gap = watch.lap()
    t.equal(res.status, status, `${name}: ${status}`, { body: res.body.slice(0, 300) })
    t.ok(gap.cpu < STALL_BOUND_MS, `${name}: /health waited at most ${Math.round(gap.cpu)} ms of CPU (${Math.round(gap.wall)} ms wall)`)
  }
  const slow = await slowPost(port, '/products/bulk', csv, [CSV_HEADER, ...Array.from({ length: 10 }, () => CSV_ROW)], 100)
  t.equal(slow, 201, 'a body sent over a second, a piece every 100 ms')
  const { cpu, answered } = await watch.stop()
  t.ok(answered > cases.length, `/health answered throughout (${answered} times)`)
  t.ok(cpu < STALL_BOUND_MS, `the longest /health waited was ${Math.round(cpu)} ms of CPU, under ${STALL_BOUND_MS} ms`)
})
