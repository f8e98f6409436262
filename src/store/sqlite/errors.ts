import { StoreUnavailable } from '../types.js'

// A full, read-only, locked or vanished database is an outage to retry, not a bug to mask.
const UNAVAILABLE = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM|PROTOCOL)/

function isUnavailable (error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && UNAVAILABLE.test(code)) return true
  return error instanceof TypeError && error.message === 'The database connection is not open'
}

/** SQLite's outage errors become StoreUnavailable; anything else is passed on as it is. */
export function translate (error: unknown): unknown {
  return isUnavailable(error) ? new StoreUnavailable('the SQLite database is unavailable', { cause: error }) : error
}

/** Runs a repository body, translating SQLite's outage errors. */
export async function guard<T> (body: () => T | Promise<T>): Promise<T> {
  try {
    return await body()
  } catch (error) {
    throw translate(error)
  }
}

/** The synchronous form of guard. */
export function guardSync<T> (body: () => T): T {
  try {
    return body()
  } catch (error) {
    throw translate(error)
  }
}
