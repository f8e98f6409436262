import type { Product } from '../types.js'

/** A product as the audit trail stores it (JSON): the domain product, timestamps in epoch milliseconds. */
export interface ProductSnapshot {
  id: number
  title: string
  priceCents: number
  image: string
  createdAt: number
  updatedAt: number
  version: number
}

export function toSnapshot (product: Product): ProductSnapshot {
  return { ...product, createdAt: product.createdAt.getTime(), updatedAt: product.updatedAt.getTime() }
}

/** A product from a row or snapshot with its timestamps in milliseconds. */
export function fromMillis (row: ProductSnapshot): Product {
  return { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) }
}

/** The product a snapshot holds; null when there was none (the column, or the JSON in it, is null). */
export function fromSnapshot (snapshot: ProductSnapshot | null | undefined): Product | null {
  if (snapshot === null || snapshot === undefined) return null
  return fromMillis(snapshot)
}
