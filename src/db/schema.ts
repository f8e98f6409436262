import { sql } from 'drizzle-orm'
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

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
