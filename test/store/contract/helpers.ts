import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { ChangeContext, Product, ProductInput, ProductQuery, ProductSortField, Store } from '../../../src/store/types.js'

/** Opens a store for one case; every call may return a new one (the suite closes each). */
export type OpenStore = () => Promise<Store>

// Cases share a database on some backends, so each tags its products (a title word), actors
// and subjects with a word of its own and only looks at those.
export const tagged = () => `t${randomBytes(5).toString('hex')}`
export const context = (actor: string): ChangeContext => ({ actor, requestId: `req-${actor}` })
export const input = (title: string, priceCents = 100): ProductInput => ({ title, priceCents, image: 'https://example.test/p.png' })

export function query (words: string[], overrides: Partial<ProductQuery> = {}): ProductQuery {
  return { limit: 100, sort: { field: 'id', descending: false }, words, minPriceCents: null, maxPriceCents: null, after: null, ...overrides }
}

export function okValue<T> (outcome: { status: string, value?: T }): T {
  if (outcome.status !== 'ok') throw new Error(`expected ok, got ${outcome.status}`)
  return outcome.value as T
}

/** Code-point order, as both backends sort text (no astral characters in these titles). */
export const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0)

export function sortKey (product: Product, field: ProductSortField): string | number {
  switch (field) {
    case 'title': return product.title.toLowerCase()
    case 'price': return product.priceCents
    case 'createdAt': return product.createdAt.getTime()
    case 'updatedAt': return product.updatedAt.getTime()
    default: return product.id
  }
}

/** Opens a store for one case and closes it when the case ends. */
export type StoreFor = (t: Test) => Promise<Store>
