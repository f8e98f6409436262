import { asc, type Column, desc, gt, type Placeholder, type SQL, sql } from 'drizzle-orm'
import type { Product, ProductPage, ProductQuery } from '../types.js'
import { keysetPage, sortValue } from './keyset.js'

// The product queries both adapters run, written once over either dialect's table: the adapters
// differ only in how a title word is matched and how a row comes back from the driver.

/** The products table's columns, as each dialect's schema declares them. */
export interface ProductTable {
  id: Column
  title: Column
  priceCents: Column
  image: Column
  createdAt: Column
  updatedAt: Column
  version: Column
  titleKey: Column
}

type ProductField = 'id' | 'title' | 'priceCents' | 'image' | 'createdAt' | 'updatedAt' | 'version'

/** The columns of a domain Product, in the order the adapters' row mappers read them. */
export function productColumns<T extends ProductTable> (table: T): Pick<T, ProductField> {
  return {
    id: table.id,
    title: table.title,
    priceCents: table.priceCents,
    image: table.image,
    createdAt: table.createdAt,
    updatedAt: table.updatedAt,
    version: table.version
  }
}

/** The column each sort field orders by: titles by their lower-cased key. */
function sortColumn (table: ProductTable, field: ProductQuery['sort']['field']): Column {
  switch (field) {
    case 'title': return table.titleKey
    case 'price': return table.priceCents
    case 'createdAt': return table.createdAt
    case 'updatedAt': return table.updatedAt
    default: return table.id
  }
}

/**
 * The listing's shape (sort, how many words, which filters) decides its SQL; its values are
 * placeholders, so each shape is prepared once and reused. The key is a valid statement name.
 */
export function listShape (query: ProductQuery): string {
  const flag = (on: boolean) => (on ? '1' : '0')
  return `${query.sort.field}_${query.sort.descending ? 'd' : 'a'}_w${query.words.length}_` +
    flag(query.minPriceCents !== null) + flag(query.maxPriceCents !== null) + flag(query.after !== null)
}

/** Matches one search word (placeholder `w<i>`) in the title key: the one condition that differs by dialect. */
export type WordMatch = (titleKey: Column, word: Placeholder) => SQL

/** The WHERE conditions of a listing's shape, every value a placeholder that listParams() fills. */
export function listConditions (table: ProductTable, query: ProductQuery, wordMatch: WordMatch): SQL[] {
  const conditions = query.words.map((_, i) => wordMatch(table.titleKey, sql.placeholder(`w${i}`)))
  if (query.minPriceCents !== null) conditions.push(sql`${table.priceCents} >= ${sql.placeholder('minPrice')}`)
  if (query.maxPriceCents !== null) conditions.push(sql`${table.priceCents} <= ${sql.placeholder('maxPrice')}`)
  if (query.after !== null) {
    const operator = query.sort.descending ? sql`<` : sql`>`
    const id = sql.placeholder('afterId')
    // A row value, not "a > x OR (a = x AND id > y)": both databases seek the (column, id)
    // index with it, where the OR form scans, so deep pages cost what the first one does.
    conditions.push(query.sort.field === 'id'
      ? sql`${table.id} ${operator} ${id}`
      : sql`(${sortColumn(table, query.sort.field)}, ${table.id}) ${operator} (${sql.placeholder('afterValue')}, ${id})`)
  }
  return conditions
}

/** The listing's order: the sort column, then id, both in the sort's direction. */
export function listOrder (table: ProductTable, query: ProductQuery): SQL[] {
  const direction = query.sort.descending ? desc : asc
  return [direction(sortColumn(table, query.sort.field)), direction(table.id)]
}

/** The placeholder values of a listing; `word` turns a search word into the dialect's parameter. */
export function listParams (query: ProductQuery, word: (word: string) => string = (w) => w): Record<string, unknown> {
  const params: Record<string, unknown> = { limit: query.limit + 1 }
  query.words.forEach((w, i) => {
    params[`w${i}`] = word(w)
  })
  if (query.minPriceCents !== null) params.minPrice = query.minPriceCents
  if (query.maxPriceCents !== null) params.maxPrice = query.maxPriceCents
  if (query.after !== null) {
    params.afterValue = query.after.value
    params.afterId = query.after.id
  }
  return params
}

/** The page from the rows a listing read (limit + 1 of them). */
export function listPage (products: Product[], query: ProductQuery): ProductPage {
  return keysetPage(products, query.limit, (last) => ({ value: sortValue(last, query.sort.field), id: last.id }))
}

/** How many products one export read fetches. */
export const EXPORT_BATCH = 500

/** An export batch's condition and order: the products after placeholder `afterId`, in id order. */
export function exportBatch (table: ProductTable): { where: SQL, orderBy: SQL } {
  return { where: gt(table.id, sql.placeholder('afterId')), orderBy: asc(table.id) }
}

/**
 * Every product in id order, as short keyset reads (`read` fetches the EXPORT_BATCH after an
 * id), not one long cursor: no transaction stays open while a slow client drains.
 */
export async function * exportBatches (read: (afterId: number) => Product[] | Promise<Product[]>): AsyncIterable<Product> {
  let afterId = 0
  for (;;) {
    const batch = await read(afterId)
    yield * batch
    const last = batch[batch.length - 1]
    if (!last || batch.length < EXPORT_BATCH) return
    afterId = last.id
  }
}
