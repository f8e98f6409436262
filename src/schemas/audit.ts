import { Type } from '@sinclair/typebox'
import { NullableString, PLAIN_TEXT, ref } from './common.js'
import { Product } from './product.js'

const AUDIT_ACTIONS = ['create', 'update', 'delete', 'bulk-create', 'bulk-delete'] as const

const Snapshot = Type.Union([ref(Product), Type.Null()], { description: 'The product as it was (null when it did not exist)' })

const AUDIT_EXAMPLE = {
  id: 7,
  at: '2026-01-02T12:00:00.000Z',
  actor: 'auth0|123',
  action: 'update',
  productId: 1,
  before: { id: 1, title: 'PlayStation', price: '899.99', image: 'https://example.com/playstation.jpg', createdAt: '2026-01-01T12:00:00.000Z', updatedAt: '2026-01-01T12:00:00.000Z' },
  after: { id: 1, title: 'PlayStation', price: '289.00', image: 'https://example.com/playstation.jpg', createdAt: '2026-01-01T12:00:00.000Z', updatedAt: '2026-01-02T12:00:00.000Z' },
  requestId: 'k3Jx1Qa9-1f'
}

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: "The token's sub" }),
  action: Type.Unsafe<(typeof AUDIT_ACTIONS)[number]>({ type: 'string', enum: [...AUDIT_ACTIONS] }),
  productId: Type.Integer(),
  before: Snapshot,
  after: Snapshot,
  requestId: Type.String()
}, { $id: 'AuditEntry', description: 'One change to one product', examples: [AUDIT_EXAMPLE] })

export const AuditPage = Type.Object({
  items: Type.Array(ref(AuditEntry)),
  nextCursor: NullableString()
}, { $id: 'AuditPage', description: 'A page of audit entries', examples: [{ items: [AUDIT_EXAMPLE], nextCursor: null }] })

const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 100 }))
}

export const AuditQuery = Type.Object(
  {
    productId: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, ...PLAIN_TEXT })),
    action: Type.Optional(Type.Unsafe<(typeof AUDIT_ACTIONS)[number]>({ type: 'string', enum: [...AUDIT_ACTIONS] })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this time' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or before this time' })),
    ...Paging
  },
  { additionalProperties: false }
)

export const HistoryQuery = Type.Object(Paging, { additionalProperties: false })
