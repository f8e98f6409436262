import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

export const products = sqliteTable(
  'products',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    // Integer cents keep Decimal(7,2) exact; floats would not round-trip 0.1 + 0.2.
    priceCents: integer('price_cents').notNull(),
    image: text('image').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull()
  },
  (table) => [
    check('products_price_range', sql`${table.priceCents} BETWEEN 0 AND 9999999`),
    check('products_title_length', sql`length(${table.title}) BETWEEN 1 AND 50`)
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

/** Single tokens revoked by logout, keyed by jti (or a hash of the token); kept until they expire. */
export const revokedTokens = sqliteTable(
  'revoked_tokens',
  {
    tokenId: text('token_id').primaryKey(),
    sub: text('sub').notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull()
  },
  (table) => [index('revoked_tokens_expires').on(table.expiresAt)]
)

/** "Log out everywhere": every token of the subject issued at or before revokedBefore is dead. */
export const subjectRevocations = sqliteTable('subject_revocations', {
  sub: text('sub').primaryKey(),
  // Seconds since the epoch, the unit of the iat claim it is compared with.
  revokedBefore: integer('revoked_before').notNull()
})
