import { Type } from '@sinclair/typebox'
import { NullableString, PLAIN_TEXT_PATTERN } from './common.js'
import { Product } from './product.js'

export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'bulk-create', 'bulk-delete'] as const

const Snapshot = Type.Union([Product, Type.Null()], { description: 'The product as it was (null when it did not exist)' })

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: "The token's sub" }),
  action: Type.Unsafe<(typeof AUDIT_ACTIONS)[number]>({ type: 'string', enum: [...AUDIT_ACTIONS] }),
  productId: Type.Integer(),
  before: Snapshot,
  after: Snapshot,
  requestId: Type.String()
})

export const AuditPage = Type.Object({
  items: Type.Array(AuditEntry),
  nextCursor: NullableString()
})

const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 100 }))
}

export const AuditQuery = Type.Object(
  {
    productId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: PLAIN_TEXT_PATTERN })),
    action: Type.Optional(Type.Unsafe<(typeof AUDIT_ACTIONS)[number]>({ type: 'string', enum: [...AUDIT_ACTIONS] })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or before this time' })),
    ...Paging
  },
  { additionalProperties: false }
)

export const HistoryQuery = Type.Object(Paging, { additionalProperties: false })
