import { parsePrice } from '../../lib/price.js'
import type { IdempotencyRecord, IdempotentResult, Product } from '../types.js'
import { fromMillis, type ProductSnapshot, toSnapshot } from './snapshots.js'

// An idempotency record as both adapters keep it: the write's result as product snapshots
// (timestamps in milliseconds, so Dates round-trip exactly), in a JSON column.

export type StoredResult = ProductSnapshot | ProductSnapshot[]

/** A record's row, whichever database it came from. */
export interface RecordRow {
  requestHash: string
  result: StoredResult | null
  body: string | null
  headers: Record<string, string> | null
  createdAt: Date
}

export function storedResult (result: IdempotentResult): StoredResult {
  return Array.isArray(result) ? result.map(toSnapshot) : toSnapshot(result)
}

export function toRecord (row: RecordRow): IdempotencyRecord {
  const { result } = row
  if (result !== null) {
    return { requestHash: row.requestHash, result: Array.isArray(result) ? result.map(fromMillis) : fromMillis(result), createdAt: row.createdAt }
  }
  return { requestHash: row.requestHash, result: legacyResult(row.body ?? 'null', row.headers ?? {}), createdAt: row.createdAt }
}

interface LegacyProduct { id: number, title: string, price: string, image: string, createdAt: string, updatedAt: string }

function legacyProduct (json: LegacyProduct, version: number): Product {
  const priceCents = parsePrice(json.price)
  if (priceCents === null) throw new Error(`an old idempotency record holds an unreadable price ${json.price}`)
  const { id, title, image } = json
  return { id, title, priceCents, image, createdAt: new Date(json.createdAt), updatedAt: new Date(json.updatedAt), version }
}

/**
 * Records written before the result column (kept 24 hours, so only just after that upgrade)
 * hold the response sent: a product with its ETag "id-version", or a bulk create's
 * { created, items }. Both describe newly created products, so the result is exact.
 * Remove with the legacy columns once every such record has expired.
 */
function legacyResult (body: string, headers: Record<string, string>): IdempotentResult {
  const json = JSON.parse(body) as LegacyProduct | { items: LegacyProduct[] }
  if ('items' in json) return json.items.map((item) => legacyProduct(item, 1))
  const version = /^"\d+-(\d+)"$/.exec(headers.etag ?? '')?.[1]
  return legacyProduct(json, version === undefined ? 1 : Number(version))
}
