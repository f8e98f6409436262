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
