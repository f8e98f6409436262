import type { Product } from '../types.js'
import { readSnapshot } from './json-column.js'

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

/**
 * The product a snapshot column holds, as either driver hands it (text or parsed); null when
 * there was none: SQL NULL, or a stored JSON null (a copied or hand-written row).
 */
export function fromSnapshot (stored: unknown): Product | null {
  const snapshot = readSnapshot<ProductSnapshot>(stored)
  return snapshot === null ? null : fromMillis(snapshot)
}
