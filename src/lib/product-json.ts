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
