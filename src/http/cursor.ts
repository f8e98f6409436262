import { validationProblem } from './problem.js'
import type { ProductPosition, UserPosition } from '../store/types.js'
import { isEpochMillis, isPlainText, isPriceCents, isRowId, isSubject } from '../lib/value-domains.js'

/**
 * Opaque paging cursors: base64url JSON, so clients cannot depend on their shape.
 * Returns null for anything that is not a cursor this API made.
 */
export function encodeCursor (position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

export function decodeCursor (cursor: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

function notIssued (field: string) {
  return validationProblem([{ in: 'querystring', field, message: 'is not a cursor this API issued' }])
}

/**
 * The position a `cursor` query parameter names, read by `read` (null when the shape is
 * wrong); absent is null, anything this API did not issue is a 400 naming `cursor`.
 * A cursor is client input like any other: `read` checks each field against its column's
 * domain (see value-domains.ts), never just its JSON type.
 */
function readCursor<T> (cursor: string | undefined, read: (position: Record<string, unknown>) => T | null): T | null {
  if (cursor === undefined) return null
  const position = decodeCursor(cursor)
  const value = position === null ? null : read(position)
  if (value === null) throw notIssued('cursor')
  return value
}

// The domain of each product sort's value: what sortValue (store/keyset.ts) can give.
const SORT_VALUE: Record<string, (value: unknown) => value is string | number> = {
  id: isRowId,
  title: isPlainText,
  price: isPriceCents,
  createdAt: isEpochMillis,
  updatedAt: isEpochMillis
}

/**
 * A products cursor for `sort` (id, -price, ...). One made for another sort would skip or
 * repeat rows, so it is refused by name.
 */
export function readProductCursor (cursor: string | undefined, sort: string): ProductPosition | null {
  return readCursor(cursor, ({ s, v, id }) => {
    if (typeof s !== 'string' || !isRowId(id)) return null
    if (s !== sort) throw validationProblem([{ in: 'querystring', field: 'cursor', message: `was issued for sort=${s}, not sort=${sort}` }])
    const inDomain = SORT_VALUE[sort.replace(/^-/, '')]
    return inDomain?.(v) === true ? { value: v as string | number, id } : null
  })
}

/** A users cursor: the last user's lastSeenAt and sub. */
export function readUserCursor (cursor: string | undefined): UserPosition | null {
  return readCursor(cursor, ({ lastSeenAt, sub }) => (isEpochMillis(lastSeenAt) && isSubject(sub) ? { lastSeenAt, sub } : null))
}

/** An audit cursor: the id of the last entry seen. */
export function readAuditCursor (cursor: string | undefined): number | null {
  return readCursor(cursor, ({ before }) => (isRowId(before) ? before : null))
}
