import type { Product } from '../store/types.js'
import { formatPrice } from './price.js'

/** A product as every response (and every audit entry) shows it. */
export interface ProductJson {
  id: number
  title: string
  price: string
  image: string
  createdAt: string
  updatedAt: string
}

export function toProductJson (product: Product): ProductJson {
  return {
    id: product.id,
    title: product.title,
    price: formatPrice(product.priceCents),
    image: product.image,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString()
  }
}

interface CachedJson {
  version: number
  createdAt: number
  updatedAt: number
  json: string
}

export interface ProductJsonCache {
  /** `toProductJson(product)` serialised, made once per version of each product. */
  json(product: Product): string
  readonly size: number
}

/**
 * Serialised products by id, each valid for the version (and timestamps) it was made from,
 * so a change or a re-used id is never served stale. At most `max` are kept; the oldest
 * made go first.
 */
export function createProductJsonCache (max: number): ProductJsonCache {
  const entries = new Map<number, CachedJson>()
  return {
    json (product) {
      const cached = entries.get(product.id)
      if (cached !== undefined && cached.version === product.version &&
        cached.updatedAt === product.updatedAt.getTime() && cached.createdAt === product.createdAt.getTime()) {
        return cached.json
      }
      const json = JSON.stringify(toProductJson(product))
      if (cached !== undefined) entries.delete(product.id)
      else if (entries.size >= max) entries.delete(entries.keys().next().value!)
      entries.set(product.id, { version: product.version, createdAt: product.createdAt.getTime(), updatedAt: product.updatedAt.getTime(), json })
      return json
    },
    get size () {
      return entries.size
    }
  }
}
