import { Type } from '@sinclair/typebox'
import { ref } from './common.js'
import { Product, ProductCreate, ProductId } from './product.js'

export const MAX_BULK_ROWS = 1000

const PRODUCT_EXAMPLE = Product.examples[0]

export const BulkProducts = Type.Array(ref(ProductCreate), {
  $id: 'BulkProducts',
  minItems: 1,
  maxItems: MAX_BULK_ROWS,
  description: 'Products as in POST /products, 1 to 1000 of them',
  examples: [[{ title: 'PlayStation', price: '899.99', image: 'https://example.com/playstation.jpg' }]]
})

export const BulkResult = Type.Object({
  created: Type.Integer({ minimum: 1 }),
  items: Type.Array(ref(Product))
}, { $id: 'BulkResult', description: 'Every product created, in input order', examples: [{ created: 1, items: [PRODUCT_EXAMPLE] }] })

export const BulkDeleteRequest = Type.Object(
  { ids: Type.Array(ProductId, { minItems: 1, maxItems: MAX_BULK_ROWS }) },
  { $id: 'BulkDeleteRequest', additionalProperties: false, description: 'The ids to delete, all or none', examples: [{ ids: [1, 2] }] }
)

export const BulkDeleteResult = Type.Object(
  { deleted: Type.Integer() },
  { $id: 'BulkDeleteResult', description: 'How many were deleted', examples: [{ deleted: 2 }] }
)
