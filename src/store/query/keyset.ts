import type { Product, ProductSortField } from '../types.js'

// What both adapters must compute alike, so that search, sorting and cursors agree across backends.

/** The key search and title order use: JavaScript's Unicode-aware lower case (SQL's lower() is not, everywhere). */
export function titleKey (title: string): string {
  return title.toLowerCase()
}

/** The sort value a keyset page continues after, for the product it ended on. */
export function sortValue (product: Product, field: ProductSortField): string | number {
  switch (field) {
    case 'title': return titleKey(product.title)
    case 'price': return product.priceCents
    case 'createdAt': return product.createdAt.getTime()
    case 'updatedAt': return product.updatedAt.getTime()
    default: return product.id
  }
}

/**
 * A keyset page from `rows`, read with a limit of `limit + 1`: the extra row only says that
 * another page follows, which then starts after the position of the page's last item.
 */
export function keysetPage<T, P> (rows: T[], limit: number, positionOf: (last: T) => P): { items: T[], next: P | null } {
  const items = rows.length > limit ? rows.slice(0, limit) : rows
  const last = items[items.length - 1]
  return { items, next: rows.length > limit && last !== undefined ? positionOf(last) : null }
}
