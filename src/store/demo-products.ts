import type { ProductInput } from './types.js'

export const DEMO_PRODUCTS: readonly ProductInput[] = [
  { title: 'PlayStation', priceCents: 30000, image: 'https://images.unsplash.com/photo-1606813907291-d86efa9b94db?w=600' },
  { title: 'iPhone', priceCents: 90000, image: 'https://images.unsplash.com/photo-1592750475338-74b7b21085ab?w=600' },
  { title: 'Yummy Pizza', priceCents: 1000, image: 'https://images.unsplash.com/photo-1513104890138-7c749659a591?w=600' }
]
