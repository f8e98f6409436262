import type { Product, ProductChange } from '../types.js'

// The change feed's positions differ by dialect (a counter on SQLite, transaction ids on
// PostgreSQL); what a write records and what a reader gets back are the same.

/** A product written in a transaction: its id and whether the write deleted it. */
export interface Changed {
  id: number
  deleted: boolean
}

/**
 * One feed entry: the product as it is now, or a tombstone. `product` is null when the row is
 * gone, which a deletion that committed after the feed row was read also makes a tombstone.
 */
export function productChange (id: number, deleted: boolean, at: number, product: Product | null): ProductChange {
  if (deleted || product === null) return { deleted: true, id, at: new Date(at) }
  return { deleted: false, product }
}
