import { sql } from 'drizzle-orm'
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import type { ProductSnapshot } from '../query/snapshots.js'

export const products = sqliteTable(
  'products',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    // Integer cents keep Decimal(7,2) exact; floats would not round-trip 0.1 + 0.2.
    priceCents: integer('price_cents').notNull(),
    image: text('image').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    // Bumped by every change; the ETag is built from it, so If-Match can be checked in the UPDATE itself.
    version: integer('version').notNull().default(1),
    // The title lower-cased by JavaScript (Unicode-aware, unlike SQLite's lower()) for search and sort.
    titleKey: text('title_key').notNull().default('')
  },
  (table) => [
    check('products_price_range', sql`${table.priceCents} BETWEEN 0 AND 9999999`),
    check('products_title_length', sql`length(${table.title}) BETWEEN 1 AND 50`),
    index('products_title_key').on(table.titleKey, table.id),
    index('products_price').on(table.priceCents, table.id),
    index('products_created').on(table.createdAt, table.id),
    index('products_updated').on(table.updatedAt, table.id)
  ]
)

/** The tutorial's user record: created on a subject's first authenticated request. */
export const users = sqliteTable(
  'users',
  {
    sub: text('sub').primaryKey(),
    name: text('name'),
    email: text('email'),
    picture: text('picture'),
    isAdmin: integer('is_admin', { mode: 'boolean' }).notNull(),
    firstSeenAt: integer('first_seen_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull()
  },
  (table) => [index('users_last_seen').on(table.lastSeenAt, table.sub)]
)

/**
 * Single tokens revoked by logout, kept until they expire: keyed by subject and jti (or a hash
 * of the token), since a jti is only unique per issuer and subject, never across subjects.
 */
export const revokedTokens = sqliteTable(
  'revoked_tokens',
  {
    sub: text('sub').notNull(),
    tokenId: text('token_id').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull()
  },
  (table) => [primaryKey({ columns: [table.sub, table.tokenId] }), index('revoked_tokens_expires').on(table.expiresAt)]
)

/** "Log out everywhere": every token of the subject issued at or before revokedBefore is dead. */
export const subjectRevocations = sqliteTable('subject_revocations', {
  sub: text('sub').primaryKey(),
  // Seconds since the epoch, the unit of the iat claim it is compared with.
  revokedBefore: integer('revoked_before').notNull()
})

/** Every change to a product, written in the same transaction as the change; outlives the product. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    productId: integer('product_id').notNull(),
    // The product as the domain sees it (ProductSnapshot), not as any response shows it.
    before: text('before', { mode: 'json' }).$type<ProductSnapshot>(),
    after: text('after', { mode: 'json' }).$type<ProductSnapshot>(),
    requestId: text('request_id').notNull()
  },
  (table) => [
    index('audit_product').on(table.productId, table.id),
    index('audit_actor').on(table.actor, table.id),
    index('audit_at').on(table.at, table.id)
  ]
)

/**
 * Idempotency-Key records: what the first write of a (subject, key) produced, replayed for 24 hours.
 * Written in the same transaction as the write it answers, so a row is always complete.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    sub: text('sub').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    // What the write produced: one product, or a bulk create's products, as snapshots.
    result: text('result', { mode: 'json' }).$type<ProductSnapshot | ProductSnapshot[]>(),
    // Records written before the result column kept the HTTP response instead; read by store/query/idempotency-record.ts.
    status: integer('status'),
    body: text('body'),
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull()
  },
  (table) => [primaryKey({ columns: [table.sub, table.key] }), index('idempotency_created').on(table.createdAt)]
)

/**
 * The change feed: one row per product ever written, at its latest change. `position` is
 * commit order (one writer: a counter moved inside the write's transaction); a deleted
 * product keeps a tombstone row until the retention purge.
 */
export const productChanges = sqliteTable(
  'product_changes',
  {
    productId: integer('product_id').primaryKey(),
    position: integer('position').notNull(),
    deleted: integer('deleted', { mode: 'boolean' }).notNull(),
    at: integer('at').notNull()
  },
  (table) => [
    uniqueIndex('product_changes_position').on(table.position),
    index('product_changes_tombstones').on(table.at).where(sql`${table.deleted} = 1`)
  ]
)

/**
 * The feed's one-row state: the last position handed out, and the highest position a purge
 * has forgotten (a cursor below it may have missed a deletion).
 */
export const changeFeed = sqliteTable('change_feed', {
  id: integer('id').primaryKey(),
  lastPosition: integer('last_position').notNull(),
  purgedThrough: integer('purged_through').notNull()
})
