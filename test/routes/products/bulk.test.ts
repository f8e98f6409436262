import { parse as parseCsv } from 'csv-parse/sync'
import t from 'tap'
import { allIds, bulkJson, IMAGE, PROBLEM, setup, type FieldErrorJson, type Headers } from '../../helpers/products.js'
import type { ProductJson } from '../../../src/lib/product-json.js'

// Bulk import (JSON array, NDJSON, CSV; all or nothing), export and bulk delete.
// The real app (in-memory SQLite, or PostgreSQL with TEST_DATABASE=postgres), tokens from a local issuer.

t.test('bulk import: JSON array, NDJSON and CSV, all or nothing', async (t) => {
  const { app, admin, user } = await setup(t)
  const count = async () => (await allIds(app)).length
  const post = (payload: string | object, contentType?: string, headers: Headers = admin) =>
    app.inject({ method: 'POST', url: '/products/bulk', headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) }, payload })

  const json = await post([
    { title: 'Json one', price: '0.10', image: IMAGE },
    { title: '  Json two  ', price: 899.99, image: IMAGE },
    { title: 'Json three', price: 0.29, image: IMAGE }
  ])
  t.equal(json.statusCode, 201, 'JSON array')
  t.equal(json.json().created, 3)
  t.same(json.json().items.map((p: ProductJson) => [p.title, p.price]), [['Json one', '0.10'], ['Json two', '899.99'], ['Json three', '0.29']], 'exact prices, trimmed titles, in order')

  const ndjson = await post('{"title":"Nd one","price":"1.5","image":"https://example.com/a.jpg"}\r\n\n{"title":"Nd two","price":99999.99,"image":"https://example.com/b.jpg"}\n', 'application/x-ndjson')
  t.equal(ndjson.statusCode, 201, 'NDJSON (CRLF, blank lines skipped)')
  t.same(ndjson.json().items.map((p: ProductJson) => [p.title, p.price]), [['Nd one', '1.50'], ['Nd two', '99999.99']])

  const csvBody = [
    'title,price,image',
    '"Chair, ""deluxe"" edition",149.9,https://example.com/chair.jpg',
    'Plain table,0,https://example.com/table.jpg',
    'Éclair,3.05,https://example.com/e.jpg',
    ''
  ].join('\n')
  const csv = await post(csvBody, 'text/csv')
  t.equal(csv.statusCode, 201, 'CSV')
  t.same(csv.json(), { created: 3, items: csv.json().items }, '{ created, items }')
  t.same(csv.json().items.map((p: ProductJson) => [p.title, p.price, p.image]), [
    ['Chair, "deluxe" edition', '149.90', 'https://example.com/chair.jpg'],
    ['Plain table', '0.00', 'https://example.com/table.jpg'],
    ['Éclair', '3.05', 'https://example.com/e.jpg']
  ], 'quoted comma and doubled quote')
  const reordered = await post('\ufeffprice,image,title\r\n7.00,https://example.com/r.jpg,Reordered\r\n', 'text/csv; charset=utf-8')
  t.equal(reordered.statusCode, 201, 'CSV with a BOM, CRLF, a charset and the columns in another order')
  t.same(reordered.json().items.map((p: ProductJson) => [p.title, p.price]), [['Reordered', '7.00']])
  for (const item of csv.json().items as ProductJson[]) {
    t.same((await app.inject({ method: 'GET', url: `/products/${item.id}` })).json(), item, `${item.title} is stored as returned`)
  }
  const total = await count()
  t.equal(total, 9)

  // One bad row: 400 naming row and field, nothing created.
  const badCases: Array<[string, string | object, string | undefined, Array<{ row: number; field: string }>]> = [
    ['JSON: bad price in row 2', [{ title: 'ok', price: '1.00', image: IMAGE }, { title: 'bad', price: 'abc', image: IMAGE }, { title: 'ok', price: '1.00', image: IMAGE }], undefined, [{ row: 2, field: 'price' }]],
    ['JSON: price 1.234 in row 1', [{ title: 'bad', price: 1.234, image: IMAGE }, { title: 'ok', price: '1.00', image: IMAGE }], undefined, [{ row: 1, field: 'price' }]],
    ['JSON: row 3 missing title', [{ title: 'ok', price: '1.00', image: IMAGE }, { title: 'ok', price: '1.00', image: IMAGE }, { price: '1.00', image: IMAGE }], undefined, [{ row: 3, field: 'title' }]],
    ['NDJSON: bad image in row 2', '{"title":"ok","price":"1.00","image":"https://e.com/a"}\n{"title":"bad","price":"1.00","image":"ftp://e.com/a"}\n', 'application/x-ndjson', [{ row: 2, field: 'image' }]],
    ['NDJSON: row 1 not JSON', '{"title":"ok",\n{"title":"ok","price":"1.00","image":"https://e.com/a"}\n', 'application/x-ndjson', [{ row: 1, field: '' }]],
    ['NDJSON: unknown field in row 2 after a blank line', '{"title":"ok","price":"1.00","image":"https://e.com/a"}\n\n{"title":"x","price":"1.00","image":"https://e.com/a","colour":"red"}\n', 'application/x-ndjson', [{ row: 2, field: 'colour' }]],
    ['CSV: bad price in row 3', 'title,price,image\nok,1.00,https://e.com/a\nok,2.00,https://e.com/b\nbad,-1,https://e.com/c\n', 'text/csv', [{ row: 3, field: 'price' }]],
    ['CSV: title too long in row 1', `title,price,image\n${'a'.repeat(51)},1.00,https://e.com/a\nok,1.00,https://e.com/b\n`, 'text/csv', [{ row: 1, field: 'title' }]],
    ['CSV: missing field in row 2', 'title,price,image\nok,1.00,https://e.com/a\nshort,1.00\n', 'text/csv', [{ row: 2, field: '' }]]
  ]
  for (const [name, payload, type, expected] of badCases) {
    const res = await post(payload, type)
    t.equal(res.statusCode, 400, name)
    t.equal(res.headers['content-type'], PROBLEM)
    const errors = (res.json().errors ?? []) as FieldErrorJson[]
    for (const want of expected) {
      t.ok(errors.some((e) => e.row === want.row && e.field === want.field && typeof e.message === 'string' && e.message.length > 0),
        `${name}: an error for row ${want.row}, field '${want.field}'`, { errors })
    }
    t.ok(errors.every((e) => expected.some((want) => want.row === e.row)), `${name}: no other row blamed`, { errors })
    t.equal(await count(), total, `${name}: nothing created`)
  }
  const twoBad = await post([{ title: '', price: '1.00', image: IMAGE }, { title: 'ok', price: '1.00', image: IMAGE }, { title: 'x', price: '1.00', image: 'nope' }])
  t.equal(twoBad.statusCode, 400)
  // A field may carry several messages (an image that is neither a URI nor http(s)); the rows and fields are what count.
  const blamed = [...new Set(((twoBad.json().errors ?? []) as FieldErrorJson[]).map((e) => `${e.row}:${e.field}`))]
  t.same(blamed, ['1:title', '3:image'], 'every bad row is reported, in row order')

  const wrongHeaders = ['name,price,image\nx,1.00,https://e.com/a\n', 'title,price\nx,1.00\n', 'title,price,image,extra\nx,1.00,https://e.com/a,1\n', 'x,1.00,https://e.com/a\n']
  for (const payload of wrongHeaders) {
    const res = await post(payload, 'text/csv')
    t.equal(res.statusCode, 400, `CSV header ${JSON.stringify(payload.split('\n')[0])} is refused`)
    t.ok(Array.isArray(res.json().errors))
  }
  const unterminated = await post('title,price,image\n"open,1.00,https://e.com/a\n', 'text/csv')
  t.equal(unterminated.statusCode, 400, 'malformed CSV (unterminated quote)')

  const row = { title: 'Many', price: '1.00', image: IMAGE }
  const tooManyJson = await post(Array.from({ length: 1001 }, () => row))
  t.equal(tooManyJson.statusCode, 400, '1001 rows (JSON)')
  const tooManyNd = await post(`${JSON.stringify(row)}\n`.repeat(1001), 'application/x-ndjson')
  t.equal(tooManyNd.statusCode, 400, '1001 rows (NDJSON)')
  const tooManyCsv = await post(`title,price,image\n${'Many,1.00,https://e.com/a\n'.repeat(1001)}`, 'text/csv')
  t.equal(tooManyCsv.statusCode, 400, '1001 rows (CSV)')
  t.equal(await count(), total, 'nothing created by oversized batches')

  const empties: Array<[string, string | object, string | undefined]> = [
    ['empty JSON array', [], undefined],
    ['empty NDJSON', '', 'application/x-ndjson'],
    ['blank NDJSON', '\n\n', 'application/x-ndjson'],
    ['CSV header only', 'title,price,image\n', 'text/csv'],
    ['empty CSV', '', 'text/csv']
  ]
  for (const [name, payload, type] of empties) {
    const res = await post(payload, type)
    t.equal(res.statusCode, 400, name)
    t.equal(res.headers['content-type'], PROBLEM)
  }
  const emptyJsonBody = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, 'content-type': 'application/json' }, payload: '' })
  t.equal(emptyJsonBody.statusCode, 400, 'empty JSON body')
  const notArray = await post({ title: 'x', price: '1.00', image: IMAGE })
  t.equal(notArray.statusCode, 400, 'a JSON object is not a batch')

  const csvSingle = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'text/csv' }, payload: 'title,price,image\nx,1.00,https://e.com/a\n' })
  t.equal(csvSingle.statusCode, 415, 'CSV on POST /products is 415')
  const ndSingle = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, 'content-type': 'application/x-ndjson' }, payload: '{"title":"x","price":"1.00","image":"https://e.com/a"}\n' })
  t.equal(ndSingle.statusCode, 415, 'NDJSON on POST /products is 415')
  const xml = await post('<products/>', 'application/xml')
  t.equal(xml.statusCode, 415, 'XML on the bulk route is 415')

  t.equal((await post([row], undefined, user)).statusCode, 403, 'a non-admin cannot import')
  t.equal((await post([row], undefined, {})).statusCode, 401, 'anonymous cannot import')
  t.equal(await count(), total, 'nothing was created by any refused batch')
})

t.test('export and bulk delete', async (t) => {
  const { app, admin, user } = await setup(t)
  // Enough rows to cross the export's batch boundaries; titles that CSV must quote.
  const special = ['Comma, inside', 'Quote "inside"', 'Astral 😀', 'Ünïcödé ✓', '=1+1', ' trailing ']
  const rows = Array.from({ length: 520 }, (_, i) => ({
    title: special[i % 37] ?? `Product ${i}`,
    price: `${i}.${String(i % 100).padStart(2, '0')}`,
    image: `https://example.com/${i}.jpg`
  }))
  const created = new Map<number, ProductJson>()
  for (const item of await bulkJson(app, admin, rows)) created.set(item.id, item)
  t.equal(created.size, 520)
  t.ok([...created.values()].some((p) => p.title === 'Astral 😀'), 'a title outside the BMP')

  const csv = await app.inject({ method: 'GET', url: '/products/export?format=csv' })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/, 'CSV content type')
  const records = parseCsv(csv.body, { columns: true }) as Array<Record<string, string>>
  t.same(Object.keys(records[0] ?? {}), ['id', 'title', 'price', 'image', 'createdAt', 'updatedAt'], 'CSV header')
  t.equal(records.length, 520, 'every product')
  t.same(records.map((r) => Number(r.id)), [...created.keys()].sort((a, b) => a - b), 'each exactly once, in id order')
  const csvMismatch = records.filter((r) => {
    const p = created.get(Number(r.id))
    // A formula-like title is exported with a leading ' (CSV injection); NDJSON stays exact.
    return !p || r.title !== (p.title.startsWith('=') ? `'${p.title}` : p.title) || r.price !== p.price || r.image !== p.image || r.createdAt !== p.createdAt || r.updatedAt !== p.updatedAt
  })
  t.same(csvMismatch.slice(0, 3), [], 'CSV parses back to the exact titles and prices')

  const nd = await app.inject({ method: 'GET', url: '/products/export?format=ndjson' })
  t.equal(nd.statusCode, 200)
  t.match(nd.headers['content-type'], /^application\/x-ndjson/, 'NDJSON content type')
  const lines = nd.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ProductJson)
  t.equal(lines.length, 520)
  t.same(lines, [...created.values()].sort((a, b) => a.id - b.id), 'NDJSON: every product exactly once, exactly')
  const byDefault = await app.inject({ method: 'GET', url: '/products/export' })
  t.match(byDefault.headers['content-type'], /^application\/x-ndjson/, 'NDJSON by default')
  t.equal(byDefault.body, nd.body)
  for (const query of ['format=xml', 'format=', 'other=1']) {
    const res = await app.inject({ method: 'GET', url: `/products/export?${query}` })
    t.equal(res.statusCode, 400, `export ${query} is 400`)
    t.equal(res.headers['content-type'], PROBLEM)
  }

  // Bulk delete.
  const ids = [...created.keys()]
  const victims = ids.slice(0, 10)
  const before = (await allIds(app)).length
  const unknown = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: [...victims, 999999] } })
  t.equal(unknown.statusCode, 404, 'one unknown id: 404')
  t.equal(unknown.headers['content-type'], PROBLEM)
  t.equal((await allIds(app)).length, before, 'and nothing deleted')
  for (const id of victims) t.equal((await app.inject({ method: 'GET', url: `/products/${id}` })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: user, payload: { ids: victims } })).statusCode, 403, 'non-admin: 403')
  t.equal((await app.inject({ method: 'POST', url: '/products/bulk-delete', payload: { ids: victims } })).statusCode, 401, 'anonymous: 401')
  for (const payload of [{ ids: [] }, { ids: ['x'] }, { ids: [0] }, {}, { ids: victims, extra: 1 }]) {
    const res = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload })
    t.equal(res.statusCode, 400, `bulk-delete ${JSON.stringify(payload).slice(0, 30)} is 400`)
  }
  t.equal((await allIds(app)).length, before, 'refused bulk deletes deleted nothing')

  const deleted = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: victims } })
  t.equal(deleted.statusCode, 200)
  t.same(deleted.json(), { deleted: 10 })
  for (const id of victims) t.equal((await app.inject({ method: 'GET', url: `/products/${id}` })).statusCode, 404, `${id} is gone`)
  const remaining = await allIds(app)
  t.equal(remaining.length, before - 10)
  t.same(remaining.filter((id) => victims.includes(id)), [])
  const again = await app.inject({ method: 'POST', url: '/products/bulk-delete', headers: admin, payload: { ids: victims.slice(0, 1) } })
  t.equal(again.statusCode, 404, 'deleting a deleted product is 404')
  const exportAfter = (await app.inject({ method: 'GET', url: '/products/export?format=ndjson' })).body.split('\n').filter(Boolean)
  t.equal(exportAfter.length, 510, 'the export no longer has them')
})
