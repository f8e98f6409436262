import { parse as parseCsv } from 'csv-parse/sync'
import t from 'tap'
import { csvField, exportLine } from '../src/lib/bulk-formats.js'

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
