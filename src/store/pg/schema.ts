import { sql } from 'drizzle-orm'
import { bigint, boolean, check, customType, index, integer, jsonb, pgSequence, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core'
import type { ProductSnapshot } from '../query/snapshots.js'

/**
 * Text compared by code point, whatever the database's locale: SQLite's BINARY order, so
 * both backends sort titles and page users the same way.
 */
const codePointText = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' })

// Timestamps are bigint milliseconds since the epoch, as in SQLite: they round-trip a Date
// exactly and a keyset cursor's value compares with the column without any conversion.
const millis = (name: string) => bigint(name, { mode: 'number' })

export const products = pgTable(
  'products',
  {
    // bigint: the API accepts any safe integer as an id, and must answer "not found", not fail.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    title: text('title').notNull(),
    priceCents: integer('price_cents').notNull(),
    image: text('image').notNull(),
    createdAt: millis('created_at').notNull(),
    updatedAt: millis('updated_at').notNull(),
    version: integer('version').notNull().default(1),
    // The title lower-cased by JavaScript (Unicode-aware), for search and title order.
    titleKey: codePointText('title_key').notNull()
  },
  (table) => [
    check('products_price_range', sql`${table.priceCents} BETWEEN 0 AND 9999999`),
    check('products_title_length', sql`char_length(${table.title}) BETWEEN 1 AND 50`),
    index('products_title_key').on(table.titleKey, table.id),
    index('products_price').on(table.priceCents, table.id),
    index('products_created').on(table.createdAt, table.id),
    index('products_updated').on(table.updatedAt, table.id),
    // Substring search (LIKE '%word%') on any word: trigrams, not a b-tree.
    index('products_title_key_trgm').using('gin', table.titleKey.op('gin_trgm_ops'))
  ]
)

export const users = pgTable(
  'users',
  {
    sub: codePointText('sub').primaryKey(),
    name: text('name'),
    email: text('email'),
    picture: text('picture'),
    isAdmin: boolean('is_admin').notNull(),
    firstSeenAt: millis('first_seen_at').notNull(),
    lastSeenAt: millis('last_seen_at').notNull()
  },
  (table) => [index('users_last_seen').on(table.lastSeenAt, table.sub)]
)

/** Single tokens revoked by logout, by subject and jti (or a hash of the token), kept until they expire. */
export const revokedTokens = pgTable(
  'revoked_tokens',
  {
    sub: text('sub').notNull(),
    tokenId: text('token_id').notNull(),
    expiresAt: millis('expires_at').notNull()
  },
  (table) => [primaryKey({ columns: [table.sub, table.tokenId] }), index('revoked_tokens_expires').on(table.expiresAt)]
)

/** "Log out everywhere": every token of the subject issued at or before revokedBefore is dead. */
export const subjectRevocations = pgTable('subject_revocations', {
  sub: text('sub').primaryKey(),
  // Seconds since the epoch, the unit of the iat claim it is compared with.
  revokedBefore: bigint('revoked_before', { mode: 'number' }).notNull()
})

/**
 * Moved on by every revocation write: other processes poll its last_value, a cheap read, as
 * the safety net under LISTEN/NOTIFY. A sequence, so concurrent logouts never queue on a row.
 */
export const revocationEvents = pgSequence('revocation_events')

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    at: millis('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    productId: bigint('product_id', { mode: 'number' }).notNull(),
    before: jsonb('before').$type<ProductSnapshot>(),
    after: jsonb('after').$type<ProductSnapshot>(),
    requestId: text('request_id').notNull()
  },
  (table) => [
    index('audit_product').on(table.productId, table.id),
    index('audit_actor').on(table.actor, table.id),
    index('audit_at').on(table.at, table.id)
  ]
)

/** What the first write of a (subject, key) produced, written in its transaction; never in progress. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    sub: text('sub').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    // What the write produced: one product, or a bulk create's products, as snapshots.
    result: jsonb('result').$type<ProductSnapshot | ProductSnapshot[]>(),
    // Records written before the result column kept the HTTP response instead; read by store/query/idempotency-record.ts.
    status: smallint('status'),
    body: text('body'),
    headers: jsonb('headers').$type<Record<string, string>>(),
    createdAt: millis('created_at').notNull()
  },
  (table) => [primaryKey({ columns: [table.sub, table.key] }), index('idempotency_created').on(table.createdAt)]
)

/**
 * The change feed: one row per product ever written, at its latest change. Concurrent
 * transactions commit out of order, so a change is placed by (xid, seq): the writing
 * transaction's id and a sequence number. Readers return only changes of transactions below
 * their snapshot's xmin (all ended), so a change not yet visible always sorts after the ones
 * already read. A deleted product keeps a tombstone row until the retention purge.
 */
export const productChanges = pgTable(
  'product_changes',
  {
    productId: bigint('product_id', { mode: 'number' }).primaryKey(),
    xid: bigint('xid', { mode: 'number' }).notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    deleted: boolean('deleted').notNull(),
    at: millis('at').notNull()
  },
  (table) => [
    index('product_changes_position').on(table.xid, table.seq),
    index('product_changes_tombstones').on(table.at).where(sql`${table.deleted}`)
  ]
)

/** Numbers the changes inside a transaction (and across, with the xid in front). */
export const productChangeSeq = pgSequence('product_change_seq')

/** The feed's one-row state: the highest position a purge has forgotten. */
export const changeFeed = pgTable('change_feed', {
  id: smallint('id').primaryKey(),
  purgedXid: bigint('purged_xid', { mode: 'number' }).notNull(),
  purgedSeq: bigint('purged_seq', { mode: 'number' }).notNull()
})
