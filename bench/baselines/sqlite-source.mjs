// The baselines' SQLite source: one prepared better-sqlite3 statement per route.
import Database from 'better-sqlite3'

const COLUMNS = 'id, title, price_cents, image, created_at, updated_at'

export function openSqliteSource (path) {
  const db = new Database(path, { fileMustExist: true })
  const page = db.prepare(`SELECT ${COLUMNS} FROM products WHERE id > ? ORDER BY id LIMIT ?`)
  const one = db.prepare(`SELECT ${COLUMNS} FROM products WHERE id = ?`)
  return {
    page: (limit) => page.all(0, limit),
    one: (id) => one.get(id),
    close: async () => db.close()
  }
}
