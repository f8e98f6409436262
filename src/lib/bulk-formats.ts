import { parse as parseCsv } from 'csv-parse/sync'
import { type FieldError, validationProblem, type HttpProblem } from './problem.js'
import { type ProductJson, toProductJson } from './product-json.js'
import type { Product } from '../repositories/product-repository.js'

/** Bulk import and export formats: pure text <-> rows, no HTTP. */

export const MAX_BULK_ROWS = 1000
const CSV_COLUMNS = ['title', 'price', 'image'] as const
const EXPORT_CHUNK_ROWS = 200

export function rowError (row: number, field: string, message: string): FieldError {
  return { in: 'body', row, field, message }
}

export function tooMany (count: number): HttpProblem {
  return validationProblem([{ in: 'body', field: '', message: `has ${count} rows; at most ${MAX_BULK_ROWS} per request` }])
}

/** NDJSON lines -> values; a line that is not JSON is that row's error. */
export function ndjsonRows (text: string, errors: FieldError[]): unknown[] {
  const rows: unknown[] = []
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue
    if (rows.length >= MAX_BULK_ROWS) throw tooMany(rows.length + 1)
    try {
      rows.push(JSON.parse(line))
    } catch {
      rows.push(undefined)
      errors.push(rowError(rows.length, '', 'is not valid JSON'))
    }
  }
  return rows
}

/** CSV with the header title,price,image (any order) -> row objects. */
export function csvRows (text: string, errors: FieldError[]): unknown[] {
  let records: string[][]
  try {
    records = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][]
  } catch (error) {
    throw validationProblem([{ in: 'body', field: '', message: `is not valid CSV: ${(error as Error).message}` }])
  }
  const [header, ...data] = records
  const names = (header ?? []).map((name) => name.trim())
  if (names.length !== CSV_COLUMNS.length || !CSV_COLUMNS.every((column) => names.includes(column))) {
    throw validationProblem([{ in: 'body', field: '', message: 'the CSV header must be title,price,image' }])
  }
  if (data.length > MAX_BULK_ROWS) throw tooMany(data.length)
  return data.map((record, index) => {
    if (record.length !== names.length) {
      errors.push(rowError(index + 1, '', `has ${record.length} fields, expected ${names.length}`))
    }
    return Object.fromEntries(names.map((name, i) => [name, record[i]]))
  })
}

// A spreadsheet runs a cell starting with one of these as a formula (OWASP: CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/

/** One CSV cell; a formula-like one is neutralised with a leading ' (so it reads as text) and quoted. */
export function csvField (value: string): string {
  if (FORMULA_START.test(value)) return `"'${value.replaceAll('"', '""')}"`
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

export function exportLine (product: ProductJson, format: 'csv' | 'ndjson'): string {
  if (format === 'ndjson') return `${JSON.stringify(product)}\n`
  const { id, title, price, image, createdAt, updatedAt } = product
  return `${[String(id), title, price, image, createdAt, updatedAt].map(csvField).join(',')}\n`
}

export async function * exportChunks (products: AsyncIterable<Product>, format: 'csv' | 'ndjson'): AsyncGenerator<string> {
  if (format === 'csv') yield 'id,title,price,image,createdAt,updatedAt\n'
  let chunk = ''
  let rows = 0
  for await (const product of products) {
    chunk += exportLine(toProductJson(product), format)
    if (++rows % EXPORT_CHUNK_ROWS === 0) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}
