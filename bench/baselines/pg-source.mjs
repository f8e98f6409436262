// The baselines' PostgreSQL source: a pg pool and one named prepared statement per route
// (pg prepares a named statement once per connection and reuses it after).
import pg from 'pg'

const COLUMNS = 'id, title, price_cents, image, created_at, updated_at'
const PAGE = `SELECT ${COLUMNS} FROM products WHERE id > $1 ORDER BY id LIMIT $2`
const ONE = `SELECT ${COLUMNS} FROM products WHERE id = $1`

export async function openPgSource (connectionString) {
  const pool = new pg.Pool({ connectionString, max: 10 })
  // Fails at start, not under load, when the table or a column is missing.
  await pool.query({ name: 'page', text: PAGE, values: [0, 1] })
  return {
    page: async (limit) => (await pool.query({ name: 'page', text: PAGE, values: [0, limit] })).rows,
    one: async (id) => (await pool.query({ name: 'one', text: ONE, values: [id] })).rows[0],
    close: () => pool.end()
  }
}
