import { existsSync, rmSync, statSync } from 'node:fs'
import Database from 'better-sqlite3'
import { openSqliteStore } from '../src/store/sqlite/store.js'

const ADJECTIVES = ['Red', 'Blue', 'Green', 'Black', 'White', 'Oak', 'Steel', 'Vintage', 'Compact', 'Deluxe']
const NOUNS = ['Chair', 'Table', 'Lamp', 'Desk', 'Sofa', 'Shelf', 'Clock', 'Mirror', 'Rug', 'Stool']

/** A word found in one title in ten (every noun is), for the search scenario. */
export const SEARCH_WORD = 'lamp'

export function productTitle (index: number): string {
  return `${ADJECTIVES[index % ADJECTIVES.length]} ${NOUNS[Math.floor(index / ADJECTIVES.length) % NOUNS.length]} ${index}`
}

export interface SeedResult {
  path: string
  products: number
  ms: number
  bytes: number
  /** Columns filled beyond the original ones (e.g. title_key), for the report. */
  extraColumns: string[]
}

interface ColumnInfo {
  name: string
  notnull: number
  dflt_value: unknown
  pk: number
}

// How the seeder fills each column it knows; anything else must have a default.
type Row = { index: number; title: string; cents: number; at: number }
const KNOWN: Record<string, (row: Row) => unknown> = {
  title: (row) => row.title,
  price_cents: (row) => row.cents,
  image: (row) => `https://example.com/images/${row.index}.jpg`,
  created_at: (row) => row.at,
  updated_at: (row) => row.at,
  // The lower-cased title search and sort read (see src/store/sqlite/schema.ts).
  title_key: (row) => row.title.toLowerCase()
}
const ORIGINAL = new Set(['title', 'price_cents', 'image', 'created_at', 'updated_at'])

/**
 * Creates the database at `path` with the app's own migrations (openSqliteStore), then
 * inserts `count` products in one transaction of prepared inserts, straight through
 * better-sqlite3: seeding speed, not the app's write path, is what matters here.
 */
export function seedDatabase (path: string, count: number): SeedResult {
  const started = performance.now()
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) rmSync(path + suffix)
  const store = openSqliteStore(path)
  // Closes synchronously for SQLite; the promise only fits the Store interface.
  store.close().catch(() => {})

  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = OFF')
    const columns = db.prepare('PRAGMA table_info(products)').all() as ColumnInfo[]
    const filled: string[] = []
    for (const column of columns) {
      if (column.pk) continue
      if (KNOWN[column.name]) filled.push(column.name)
      else if (column.notnull && column.dflt_value === null) {
        throw new Error(`products.${column.name} is NOT NULL without a default and bench/seed.ts does not know how to fill it`)
      }
    }
    const makers = filled.map((name) => KNOWN[name]!)
    const insert = db.prepare(
      `INSERT INTO products (${filled.map((name) => `"${name}"`).join(', ')}) VALUES (${filled.map(() => '?').join(', ')})`
    )
    const base = Date.UTC(2024, 0, 1)
    const insertAll = db.transaction((n: number) => {
      for (let index = 1; index <= n; index++) {
        // Prices spread over 1.00 .. 9999.99, deterministic so runs are comparable.
        const row: Row = { index, title: productTitle(index), cents: 100 + ((index * 7919) % 999_900), at: base + index * 1000 }
        insert.run(...makers.map((make) => make(row)))
      }
    })
    insertAll(count)
    db.pragma('wal_checkpoint(TRUNCATE)')
    return {
      path,
      products: count,
      ms: performance.now() - started,
      bytes: statSync(path).size,
      extraColumns: filled.filter((name) => !ORIGINAL.has(name))
    }
  } finally {
    db.close()
  }
}
