/*
 * The domains of the values a client can name, as the columns and the write rules define them.
 * Every value read from a request (a cursor's fields, a date, an id) is checked here before it
 * reaches SQL, so both backends only ever see values they store and compare alike: PostgreSQL
 * refuses NUL and out-of-range integers (a 500) where SQLite accepts them, and the two drivers
 * encode a lone surrogate differently (different pages).
 */

/** products_price_range: 0.00 to 99999.99, in cents. */
const MAX_PRICE_CENTS = 9_999_999
// The range of a JavaScript Date (ECMA-262 21.4.1.1), which every timestamp column holds.
const MAX_EPOCH_MILLIS = 8.64e15
/**
 * What text from a client may not hold: a control character (Cc: C0, DEL, C1) or half a
 * surrogate pair (Cs). The schemas say the same with a portable pattern plus x-well-formed.
 */
export const UNSAFE_TEXT = /[\p{Cc}\p{Cs}]/u

/** Text both backends store alike: no control character (NUL above all) and no lone surrogate. */
export function isPlainText (value: unknown): value is string {
  return typeof value === 'string' && !UNSAFE_TEXT.test(value)
}

/** A row id: every id column is a bigint, and the API accepts any positive safe integer. */
export function isRowId (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1
}

/** A price in cents, within the column's check constraint (an int4 in PostgreSQL). */
export function isPriceCents (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_PRICE_CENTS
}

/** A timestamp in milliseconds since the epoch, within a Date's range. */
export function isEpochMillis (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) <= MAX_EPOCH_MILLIS
}

/** A token subject, by the rule the verifier applies to sub (non-empty, no control character), as plain text. */
export function isSubject (value: unknown): value is string {
  return isPlainText(value) && value !== ''
}
