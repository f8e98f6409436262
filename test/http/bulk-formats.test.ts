import { parse as parseCsv } from 'csv-parse/sync'
import t from 'tap'
import { csvField, csvRows, exportLine, MAX_RECORD_CHARS, ndjsonRows } from '../../src/http/bulk-formats.js'
import type { FieldError } from '../../src/lib/field-errors.js'

const FORMULA_TRIGGERS = ['=', '+', '-', '@', '\t', '\r']

t.test('CSV export cells: formula triggers are neutralised, everything else is written as is', async (t) => {
  for (const trigger of FORMULA_TRIGGERS) {
    const value = `${trigger}HYPERLINK("http://x")`
    const cell = csvField(value)
    t.equal(cell, `"'${value.replaceAll('"', '""')}"`, `${JSON.stringify(trigger)}: a leading ' and quoted`)
    t.same(parseCsv(`${cell}\n`), [[`'${value}`]], `${JSON.stringify(trigger)}: reads back as text with the '`)
  }
  t.equal(csvField('Plain'), 'Plain')
  t.equal(csvField('Comma, "quoted"'), '"Comma, ""quoted"""')
  t.equal(csvField('a=1'), 'a=1', 'a trigger character later in the cell is harmless')
  t.equal(csvField(''), '')
})

t.test('exportLine: CSV neutralises, NDJSON is exact', async (t) => {
  const product = { id: 1, title: '\tX', price: '1.00', image: 'https://e.com/a', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' }
  const [record] = parseCsv(exportLine(product, 'csv')) as string[][]
  t.equal(record?.[1], "'\tX")
  t.same(JSON.parse(exportLine(product, 'ndjson')), product)
})

const HEADER = 'title,price,image\n'
const ROW = 'Lamp,1.00,https://e.com/a\n'

async function refusal (promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return ((error as { errors?: Array<{ message: string }> }).errors ?? []).map((e) => e.message).join('; ')
  }
  return 'accepted'
}

t.test('csvRows: rows, row errors, and refusals that stop reading early', async (t) => {
  const errors: FieldError[] = []
  const rows = await csvRows(`${HEADER}${ROW}short,1.00\n${ROW}`, errors)
  t.equal(rows.length, 3)
  t.same(rows[0], { title: 'Lamp', price: '1.00', image: 'https://e.com/a' })
  t.same(errors, [{ in: 'body', row: 2, field: '', message: 'has 2 fields, expected 3' }], 'a short row is its own error')

  t.equal((await csvRows(`${HEADER}${ROW.repeat(1000)}`, [])).length, 1000, '1000 rows are accepted')
  t.match(await refusal(csvRows(`${HEADER}${ROW.repeat(1001)}`, [])), /more than 1000 rows/, '1001 rows are not')
  t.match(await refusal(csvRows(`${HEADER}${',\n'.repeat(30_000)}`, [])), /more than 1000 rows/, '30,000 empty rows')
  t.match(await refusal(csvRows('', [])), /header/, 'no header')
  t.match(await refusal(csvRows(`a,b\n${ROW}`, [])), /header/, 'a wrong header')
  t.match(await refusal(csvRows(`${HEADER}${','.repeat(MAX_RECORD_CHARS + 1)}\n`, [])), /line longer than/, 'a line of empty fields')
  t.match(await refusal(csvRows(`${HEADER}"${'a,\n'.repeat(10_000)}`, [])), /not valid CSV/, 'an unterminated quote')

  // A two-byte character across the boundary of two 16 KiB slices is still one character.
  const before = `${HEADER}${ROW.repeat(600)}`
  const title = `${'a'.repeat(16 * 1024 - 1 - before.length)}é`
  const straddling = await csvRows(`${before}${title},1.00,https://e.com/a\n`, []) as Array<{ title: string }>
  t.equal(straddling[600]?.title, title)
})

t.test('ndjsonRows: rows, row errors, and refusals that stop reading early', async (t) => {
  const errors: FieldError[] = []
  const rows = await ndjsonRows(`{"a":1}\r\n\n  \nnot json\n${'['.repeat(40)}${']'.repeat(40)}\n"${'x'.repeat(MAX_RECORD_CHARS)}"\n[${','.repeat(10_001)}]`, errors)
  t.equal(rows.length, 5, 'blank lines are no rows')
  t.same(rows[0], { a: 1 })
  t.same(errors.map((e) => [e.row, e.message]), [
    [2, 'is not valid JSON'],
    [3, 'is nested more than 32 levels deep'],
    [4, `is longer than ${MAX_RECORD_CHARS} characters`],
    [5, 'holds more than 10000 values']
  ])
  t.match(await refusal(ndjsonRows('{}\n'.repeat(30_000), [])), /more than 1000 rows/)
  t.equal((await ndjsonRows('{}\n'.repeat(1000), [])).length, 1000)
})
