import { validationProblem } from './problem.js'

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

/**
 * The position a `cursor` query parameter names, read by `read` (null when the shape is
 * wrong); absent is null, anything this API did not issue is a 400 naming `cursor`.
 */
export function readCursor<T> (cursor: string | undefined, read: (position: Record<string, unknown>) => T | null): T | null {
  if (cursor === undefined) return null
  const position = decodeCursor(cursor)
  const value = position === null ? null : read(position)
  if (value === null) throw validationProblem([{ in: 'querystring', field: 'cursor', message: 'is not a cursor this API issued' }])
  return value
}

export function isNonNegativeInteger (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
