import { statSync } from 'node:fs'
import Database from 'better-sqlite3'
import pg from 'pg'

const ADJECTIVES = ['Red', 'Blue', 'Green', 'Black', 'White', 'Oak', 'Steel', 'Vintage', 'Compact', 'Deluxe']
const NOUNS = ['Chair', 'Table', 'Lamp', 'Desk', 'Sofa', 'Shelf', 'Clock', 'Mirror', 'Rug', 'Stool']

/** A word found in one title in ten (every noun is), for the search scenario. */
export const SEARCH_WORD = 'lamp'

export function productTitle (index: number): string {
  return `${ADJECTIVES[index % ADJECTIVES.length]} ${NOUNS[Math.floor(index / ADJECTIVES.length) % NOUNS.length]} ${index}`
}

export interface SeedResult {
  products: number
  ms: number
  /** The SQLite file's size; 0 for PostgreSQL. */
  bytes: number
  /** Columns filled beyond the original ones (e.g. title_key), for the report. */
  extraColumns: string[]
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

interface Column {
  name: string
  required: boolean
  /** Skipped: the database fills it (the id, a generated column). */
  generated: boolean
  timestamp: boolean
}

/** Rows 1..count, deterministic so that runs are comparable; prices spread over 1.00 .. 9999.99. */
function productRow (index: number): Row {
  return { index, title: productTitle(index), cents: 100 + ((index * 7919) % 999_900), at: Date.UTC(2024, 0, 1) + index * 1000 }
}

function columnsToFill (columns: Column[]): Column[] {
  if (columns.length === 0) throw new Error('there is no products table: the API did not create its schema')
  const filled: Column[] = []
  for (const column of columns) {
    if (column.generated) continue
    if (KNOWN[column.name]) filled.push(column)
    else if (column.required) throw new Error(`products.${column.name} is NOT NULL without a default and bench/seed.ts does not know how to fill it`)
  }
  return filled
}

function values (columns: Column[], row: Row): unknown[] {
  return columns.map((column) => {
    const value = KNOWN[column.name]!(row)
    return column.timestamp ? new Date(value as number) : value
  })
}

function report (started: number, count: number, filled: Column[], bytes: number): SeedResult {
  return { products: count, ms: performance.now() - started, bytes, extraColumns: filled.map((c) => c.name).filter((name) => !ORIGINAL.has(name)) }
}

/**
 * Inserts `count` products into a SQLite database the API has already created and migrated,
 * in one transaction of prepared inserts: seeding speed, not the app's write path, matters here.
 */
export function seedSqlite (path: string, count: number): SeedResult {
  const started = performance.now()
  const db = new Database(path, { fileMustExist: true })
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = OFF')
    const info = db.prepare('PRAGMA table_info(products)').all() as Array<{ name: string; notnull: number; dflt_value: unknown; pk: number }>
    const filled = columnsToFill(info.map((c) => ({ name: c.name, required: c.notnull === 1 && c.dflt_value === null, generated: c.pk > 0, timestamp: false })))
    const insert = db.prepare(`INSERT INTO products (${filled.map((c) => `"${c.name}"`).join(', ')}) VALUES (${filled.map(() => '?').join(', ')})`)
    db.transaction((n: number) => {
      for (let index = 1; index <= n; index++) insert.run(...values(filled, productRow(index)))
    })(count)
    db.pragma('wal_checkpoint(TRUNCATE)')
    return report(started, count, filled, statSync(path).size)
  } finally {
    db.close()
  }
}

const PG_BATCH = 1000

/** The same rows into a PostgreSQL database the API has already migrated, 1000 to an INSERT. */
export async function seedPg (url: string, count: number): Promise<SeedResult> {
  const started = performance.now()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ name: string; nullable: string; dflt: string | null; identity: string; generated: string; type: string }>(
      `SELECT column_name AS name, is_nullable AS nullable, column_default AS dflt, is_identity AS identity, is_generated AS generated, data_type AS type
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'products' ORDER BY ordinal_position`
    )
    const filled = columnsToFill(rows.map((c) => ({
      name: c.name,
      required: c.nullable === 'NO' && c.dflt === null && c.identity !== 'YES',
      generated: c.identity === 'YES' || c.generated === 'ALWAYS' || /^nextval\(/.test(c.dflt ?? ''),
      timestamp: c.type.startsWith('timestamp')
    })))
    await client.query('BEGIN')
    for (let first = 1; first <= count; first += PG_BATCH) {
      const params: unknown[] = []
      const tuples: string[] = []
      for (let index = first; index < first + PG_BATCH && index <= count; index++) {
        const row = values(filled, productRow(index))
        tuples.push(`(${row.map((_, i) => `$${params.length + i + 1}`).join(', ')})`)
        params.push(...row)
      }
      await client.query(`INSERT INTO products (${filled.map((c) => `"${c.name}"`).join(', ')}) VALUES ${tuples.join(', ')}`, params)
    }
    await client.query('COMMIT')
    await client.query('ANALYZE products')
    return report(started, count, filled, 0)
  } finally {
    await client.end()
  }
}
