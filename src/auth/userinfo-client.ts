import { LRUCache } from 'lru-cache'
import type { UserProfile } from '../store/types.js'

export interface UserInfoOptions {
  /** `<issuer>userinfo`, where Auth0 serves it. */
  url: string
  ttlMs: number
  timeoutMs: number
  maxEntries?: number
  /** Called with each profile freshly fetched, to keep the user record current. */
  onProfile?: (sub: string, profile: UserProfile) => Promise<void>
}

export interface UserInfoClient {
  /** The subject's profile from the issuer, or null when the issuer fails, is slow or refuses the token. */
  profile(sub: string, token: string): Promise<UserProfile | null>
  /** What `profile` would answer from its cache alone; undefined when it would have to ask. */
  cached(sub: string): { profile: UserProfile | null } | undefined
}

// After a timeout or 5xx the issuer is left alone this long per subject, so /me stays fast.
const FAILURE_TTL_MS = 30_000
const MAX_BODY_BYTES = 64 * 1024

function text (value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 2048 ? value : null
}

/**
 * Calls the issuer's userinfo endpoint with the caller's own token, caching per subject
 * (bounded, with a TTL) and collapsing concurrent calls for the same subject into one.
 */
export function createUserInfoClient (options: UserInfoOptions): UserInfoClient {
  const cache = new LRUCache<string, { profile: UserProfile | null }>({
    max: options.maxEntries ?? 10_000,
    ttl: Math.max(options.ttlMs, 1)
  })
  const inflight = new Map<string, Promise<UserProfile | null>>()

  async function fetchProfile (sub: string, token: string): Promise<UserProfile | null> {
    let response: Response
    try {
      response = await fetch(options.url, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs)
      })
    } catch {
      cache.set(sub, { profile: null }, { ttl: Math.min(FAILURE_TTL_MS, options.ttlMs || FAILURE_TTL_MS) })
      return null
    }
    try {
      if (response.status >= 500) {
        cache.set(sub, { profile: null }, { ttl: Math.min(FAILURE_TTL_MS, options.ttlMs || FAILURE_TTL_MS) })
      }
      // A refusal (no openid scope, say) is not cached: the next token may carry the scope.
      if (!response.ok) return null
      const raw = await response.text()
      if (raw.length > MAX_BODY_BYTES) return null
      const body = JSON.parse(raw) as Record<string, unknown>
      // Never attach one subject's profile to another.
      if (body.sub !== sub) return null
      const profile = { name: text(body.name), email: text(body.email), picture: text(body.picture) }
      if (options.ttlMs > 0) cache.set(sub, { profile })
      await options.onProfile?.(sub, profile).catch(() => {})
      return profile
    } catch {
      return null
    } finally {
      // Whatever was not read must not keep the connection busy.
      await response.body?.cancel().catch(() => {})
    }
  }

  return {
    cached: (sub) => cache.get(sub),
    async profile (sub: string, token: string): Promise<UserProfile | null> {
      const cached = cache.get(sub)
      if (cached) return cached.profile
      let pending = inflight.get(sub)
      if (!pending) {
        pending = fetchProfile(sub, token).finally(() => inflight.delete(sub))
        inflight.set(sub, pending)
      }
      return pending
    }
  }
}
