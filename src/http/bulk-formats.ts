import { setImmediate as yieldToLoop } from 'node:timers/promises'
import { Parser } from 'csv-parse'
import { exceededJsonLimit, JSON_LIMITS } from '../lib/json-depth.js'
import type { FieldError } from '../lib/field-errors.js'
import { HttpProblem, validationProblem } from './problem.js'
import { type ProductJson, toProductJson } from '../lib/product-json.js'
import { MAX_BULK_ROWS } from '../schemas/bulk.js'
import type { Product } from '../store/types.js'

/** Bulk import and export formats: the request or response text <-> rows; bad input is a 400 problem. */

export { MAX_BULK_ROWS }
const CSV_COLUMNS = ['title', 'price', 'image'] as const
const EXPORT_CHUNK_ROWS = 200
// Bodies are parsed this much at a time, with a turn of the event loop between slices.
const SLICE_BYTES = 16 * 1024
// A valid row is well under 2 KiB even with every character escaped; a longer one is refused unread.
export const MAX_RECORD_CHARS = 16 * 1024

function rowError (row: number, field: string, message: string): FieldError {
  return { in: 'body', row, field, message }
}

function tooMany (count?: number): HttpProblem {
  const found = count === undefined ? `more than ${MAX_BULK_ROWS}` : String(count)
  return validationProblem([{ in: 'body', field: '', message: `has ${found} rows; at most ${MAX_BULK_ROWS} per request` }])
}

function malformed (message: string): HttpProblem {
  return validationProblem([{ in: 'body', field: '', message }])
}

/** Checks a CSV header record and returns its column names. */
function csvHeader (record: string[]): string[] {
  const names = record.map((name) => name.trim())
  if (names.length !== CSV_COLUMNS.length || !CSV_COLUMNS.every((column) => names.includes(column))) {
    throw malformed('the CSV header must be title,price,image')
  }
  return names
}

function writeSlice (parser: Parser, slice: Buffer): Promise<void> {
  return new Promise((resolve, reject) => parser.write(slice, (error) => (error ? reject(error) : resolve())))
}

function endParser (parser: Parser): Promise<void> {
  return new Promise((resolve, reject) => {
    parser.once('error', reject)
    parser.end(() => resolve())
    parser.resume()
  })
}

// csv-parse bounds a record's field characters but not its delimiters, and a million empty
// fields in one record cost seconds: no line may be longer than a valid record could be.
function tooLong (): HttpProblem {
  return malformed(`has a line longer than ${MAX_RECORD_CHARS} bytes`)
}

/** Checks the lines in bytes[0, end) from lineStart on; returns where the last, unfinished one starts. */
function checkLines (bytes: Buffer, lineStart: number, end: number): number {
  const seen = bytes.subarray(0, end)
  for (let newline = seen.indexOf(0x0a, lineStart); newline !== -1; newline = seen.indexOf(0x0a, lineStart)) {
    if (newline - lineStart > MAX_RECORD_CHARS) throw tooLong()
    lineStart = newline + 1
  }
  if (end - lineStart > MAX_RECORD_CHARS) throw tooLong()
  return lineStart
}

/** Feeds the parser the body in slices, a turn of the event loop apart; stops at its first error. */
async function feed (parser: Parser, text: string): Promise<void> {
  // Errors reach the write and end callbacks; this listener keeps them from being unhandled.
  parser.on('error', () => {})
  const bytes = Buffer.from(text)
  let lineStart = 0
  for (let offset = 0; offset < bytes.length; offset += SLICE_BYTES) {
    const end = Math.min(offset + SLICE_BYTES, bytes.length)
    lineStart = checkLines(bytes, lineStart, end)
    await writeSlice(parser, bytes.subarray(offset, end))
    await yieldToLoop()
  }
  await endParser(parser)
}

/**
 * CSV with the header title,price,image (any order) -> row objects. Parsed as a stream, in
 * slices, and abandoned at the first row past the limit or any malformed record: a refused
 * body costs no more than an accepted one of the same size, and none holds the event loop.
 */
export async function csvRows (text: string, errors: FieldError[]): Promise<unknown[]> {
  let names: string[] | undefined
  const rows: unknown[] = []
  const parser = new Parser({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_CHARS,
    on_record: (record: string[]) => {
      if (names === undefined) {
        names = csvHeader(record)
        return null
      }
      if (rows.length >= MAX_BULK_ROWS) throw tooMany()
      if (record.length !== names.length) {
        errors.push(rowError(rows.length + 1, '', `has ${record.length} fields, expected ${names.length}`))
      }
      rows.push(Object.fromEntries(names.map((name, i) => [name, record[i]])))
      return null
    }
  })
  try {
    await feed(parser, text)
  } catch (error) {
    if (error instanceof HttpProblem) throw error
    throw malformed(`is not valid CSV: ${(error as Error).message}`)
  } finally {
    // An abandoned parse leaves the stream half-written: free it now.
    parser.destroy()
  }
  if (names === undefined) throw malformed('the CSV header must be title,price,image')
  return rows
}

function ndjsonRow (line: string, row: number, errors: FieldError[]): unknown {
  if (line.length > MAX_RECORD_CHARS) {
    errors.push(rowError(row, '', `is longer than ${MAX_RECORD_CHARS} characters`))
    return undefined
  }
  const exceeded = exceededJsonLimit(line)
  if (exceeded !== null) {
    errors.push(rowError(row, '', exceeded === 'depth' ? `is nested more than ${JSON_LIMITS.depth} levels deep` : `holds more than ${JSON_LIMITS.values} values`))
    return undefined
  }
  try {
    return JSON.parse(line)
  } catch {
    errors.push(rowError(row, '', 'is not valid JSON'))
    return undefined
  }
}

/**
 * NDJSON lines -> values; a line that is not JSON is that row's error. Read line by line with a
 * turn of the event loop every slice, and abandoned at the first row past the limit.
 */
export async function ndjsonRows (text: string, errors: FieldError[]): Promise<unknown[]> {
  const rows: unknown[] = []
  let nextYield = SLICE_BYTES
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start)
    const end = newline === -1 ? text.length : newline
    const line = text.slice(start, end)
    start = end + 1
    if (line.trim() !== '') {
      if (rows.length >= MAX_BULK_ROWS) throw tooMany()
      rows.push(ndjsonRow(line, rows.length + 1, errors))
    }
    if (start >= nextYield) {
      await yieldToLoop()
      nextYield = start + SLICE_BYTES
    }
  }
  return rows
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

const CSV_HEADER = 'id,title,price,image,createdAt,updatedAt\n'

/**
 * The export's text in chunks, returned only once the first read of `products` has succeeded:
 * a failure before then (the database cannot serve) is thrown here, before a status or a byte
 * is sent, so it can be a 503 rather than a 200 broken after its first line. Both formats take
 * this path; CSV's header goes out with the first rows.
 */
export async function exportChunks (products: AsyncIterable<Product>, format: 'csv' | 'ndjson'): Promise<AsyncIterable<string>> {
  const iterator = products[Symbol.asyncIterator]()
  const first = await iterator.next()
  return chunks(first, iterator, format)
}

async function * chunks (first: IteratorResult<Product>, iterator: AsyncIterator<Product>, format: 'csv' | 'ndjson'): AsyncGenerator<string> {
  let chunk = format === 'csv' ? CSV_HEADER : ''
  let rows = 0
  try {
    for (let next = first; next.done !== true; next = await iterator.next()) {
      chunk += exportLine(toProductJson(next.value), format)
      if (++rows % EXPORT_CHUNK_ROWS === 0) {
        yield chunk
        chunk = ''
      }
    }
  } finally {
    // A client that goes away stops the reads too.
    await iterator.return?.()
  }
  if (chunk) yield chunk
}
