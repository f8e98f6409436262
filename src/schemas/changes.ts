import { Type } from '@sinclair/typebox'
import { TOMBSTONE_RETENTION_DAYS } from '../lib/change-feed.js'
import { ref } from './common.js'
import { Product, ProductId } from './product.js'

const MAX_CHANGES_LIMIT = 500

const PRODUCT_EXAMPLE = Product.examples[0] as Record<string, unknown>
const TOMBSTONE_EXAMPLE = { id: 7, deleted: true, at: '2026-01-02T08:30:00.000Z' }
const CURSOR_EXAMPLE = 'eyJwIjo0Mn0'

export const ProductTombstone = Type.Object(
  {
    id: ProductId,
    deleted: Type.Literal(true),
    at: Type.String({ format: 'date-time', description: 'When the product was deleted' })
  },
  {
    $id: 'ProductTombstone',
    additionalProperties: false,
    description: `A deleted product: remove it from your copy. Kept at least ${TOMBSTONE_RETENTION_DAYS} days.`,
    examples: [TOMBSTONE_EXAMPLE]
  }
)

export const ProductChange = Type.Union([ref(Product), ref(ProductTombstone)], {
  $id: 'ProductChange',
  description: 'A product created or updated (its current state), or a tombstone when it was deleted (deleted: true)',
  examples: [PRODUCT_EXAMPLE, TOMBSTONE_EXAMPLE]
})

export const ChangePage = Type.Object(
  {
    items: Type.Array(ref(ProductChange), { description: 'In commit order; a product changed several times appears once, as its latest state' }),
    nextCursor: Type.String({ description: 'Always present: pass it as since to get what changed after this page' })
  },
  {
    $id: 'ChangePage',
    description: 'A page of the change feed',
    examples: [{ items: [PRODUCT_EXAMPLE, TOMBSTONE_EXAMPLE], nextCursor: CURSOR_EXAMPLE }]
  }
)

export const ChangeQuery = Type.Object(
  {
    since: Type.Optional(Type.String({
      maxLength: 500,
      description: 'nextCursor from your last page; omit it to start from the beginning (the whole catalogue)',
      examples: [CURSOR_EXAMPLE]
    })),
    limit: Type.Integer({ minimum: 1, maximum: MAX_CHANGES_LIMIT, default: 100, description: 'Page size' })
  },
  { additionalProperties: false }
)
