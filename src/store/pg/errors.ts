import { StoreUnavailable } from '../types.js'

// Node socket errors: the server is down, restarting, or unreachable.
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'ECONNABORTED', 'EHOSTDOWN', 'ENETDOWN', 'ENETRESET', 'EADDRNOTAVAIL', 'ENOTCONN', 'ESHUTDOWN', 'ERR_SOCKET_CLOSED',
  'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END'
])

// SQLSTATE classes meaning "the database cannot serve now", whatever the request: 08 connection
// exception, 53 insufficient resources (too many connections, disk full, out of memory), 55 object
// not in prerequisite state (55000 "database is not currently accepting connections", 55P03 our
// lock_timeout), 57 operator intervention (shutdown, recovery, our statement_timeout), 58 system
// error (I/O). A class, not a list of codes: a new code in one of them is an outage too.
const UNAVAILABLE_CLASSES = new Set(['08', '53', '55', '57', '58'])

// Single states outside those classes that mean "not now" rather than "wrong request".
const UNAVAILABLE_STATES = new Set([
  '25P03', // idle_in_transaction_session_timeout
  '25006', // read_only_sql_transaction: a standby answered after a failover
  '40001', // serialization_failure (after our one retry)
  '40P01' // deadlock_detected (after our one retry)
])

// node-postgres and pg-pool report these without a code.
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool'
]

/** True when `code` is a SQLSTATE or socket error that means the database cannot serve now. */
function isUnavailableCode (code: string): boolean {
  if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code)) return true
  return /^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_CLASSES.has(code.slice(0, 2))
}

/** Transient conflicts a transaction is worth retrying once for. */
export function isRetryable (error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return code === '40001' || code === '40P01'
}

/** True when `error` means the database cannot serve now, not that the request was wrong. */
export function isUnavailable (error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 3) return false
  if (error instanceof StoreUnavailable) return true
  const { code, message, errors, cause } = error as { code?: unknown, message?: unknown, errors?: unknown, cause?: unknown }
  if (typeof code === 'string' && isUnavailableCode(code)) return true
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true
  // Node reports a refused dual-stack connect as an AggregateError of both attempts.
  if (Array.isArray(errors) && errors.some((e) => isUnavailable(e, depth + 1))) return true
  return isUnavailable(cause, depth + 1)
}

/** `error` as StoreUnavailable when it means "not now", else unchanged. */
export function translate (error: unknown): unknown {
  if (error instanceof StoreUnavailable || !isUnavailable(error)) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new StoreUnavailable(`PostgreSQL cannot serve now: ${detail}`, { cause: error })
}

/** Runs `work`, translating a "not now" failure into StoreUnavailable. */
export async function guard<T> (work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw translate(error)
  }
}
