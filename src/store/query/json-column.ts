/**
 * A JSON column's value as read back, on either backend and by any reader: SQLite's driver
 * hands the stored text, Drizzle and pg the parsed value. SQL NULL and a stored JSON `null`
 * (what Drizzle writes for a null bound to a JSON placeholder) both come out as null.
 */
export function readJsonColumn (stored: unknown): unknown {
  const value = typeof stored === 'string' ? JSON.parse(stored) as unknown : stored
  return value === undefined ? null : value
}

/**
 * An audit snapshot column (before, after) read back: null when there is no product (a create
 * has no before, a delete no after), else the snapshot object. Anything else is a damaged row.
 */
export function readSnapshot<Snapshot extends object> (stored: unknown): Snapshot | null {
  const value = readJsonColumn(stored)
  if (value === null) return null
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`an audit snapshot is not a product: ${JSON.stringify(value).slice(0, 100)}`)
  return value as Snapshot
}
