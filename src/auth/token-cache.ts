import { LRUCache } from 'lru-cache'
import type { Principal } from './principal.js'

/** A verified token as the cache keeps it. */
export interface CachedToken {
  principal: Principal
  /** The exact Authorization header the token came in. */
  header: string
  /** The bearer token itself, for calls made on the caller's behalf. */
  token: string
  /** The revocation generation this token was last found not revoked in; -1 before any check. */
  notRevokedIn: number
}

export interface TokenCacheOptions {
  /** How many tokens are remembered. */
  max?: number
  /** The longest a token is remembered; a key dropped from the JWKS stops remembered tokens within it. */
  ttlMs?: number
  /** How long past exp a token is still accepted. */
  clockToleranceMs: number
  /** The clock, in ms since the epoch; tests pass their own. */
  now?: () => number
}

export interface TokenCache {
  /** The entry for exactly this Authorization header, if it was verified lately. */
  get(header: string): CachedToken | undefined
  /** Remembers a verified token until it expires (or ttlMs passes); returns its entry. */
  remember(header: string, verified: { principal: Principal; token: string }): CachedToken
  readonly size: number
}

// A shop with 10,000+ active users per process stays on the cached path (about 1.5 kB an entry).
const DEFAULT_MAX = 20_000
const DEFAULT_TTL_MS = 600_000
// 32 base64url characters of signature: 192 bits, so two real tokens never share a slot by chance,
// and a forged token that copies them only misses (the whole header must match).
const LOOKUP_SUFFIX = 32

/**
 * Tokens verified lately. Hashing a whole token as a Map key costs about 1 µs (V8 hashes every
 * character), so entries are found by the header's last characters (the signature's) and then
 * must match the whole header exactly. Each entry remembers the revocation generation it was
 * last found not revoked in, so a repeat request can skip the revocation lookup.
 */
export function createTokenCache (options: TokenCacheOptions): TokenCache {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS
  const now = options.now ?? Date.now
  const entries = new LRUCache<string, CachedToken>({
    max: options.max ?? DEFAULT_MAX,
    ttl: ttlMs,
    // A given clock is read on every look-up, not cached for lru-cache's default millisecond.
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {})
  })
  const slotOf = (header: string): string => header.slice(-LOOKUP_SUFFIX)
  return {
    get (header) {
      const entry = entries.get(slotOf(header))
      return entry?.header === header ? entry : undefined
    },
    remember (header, { principal, token }) {
      const entry: CachedToken = { principal, header, token, notRevokedIn: -1 }
      const remaining = principal.exp * 1000 + options.clockToleranceMs - now()
      if (remaining > 0) entries.set(slotOf(header), entry, { ttl: Math.min(remaining, ttlMs) })
      return entry
    },
    get size () {
      return entries.size
    }
  }
}
