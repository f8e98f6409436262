export interface KnownKeysOptions {
  /** Fetches the PEM key for a kid (get-jwks, through issuer-jwks.ts). */
  fetchKey: (kid: string) => Promise<string>
  /**
   * Whether the issuer still publishes the kid, by a fresh look at its JWKS: true or false,
   * or null when no look may be made yet (the cooldown). Rejects when the issuer cannot be reached.
   */
  stillPublished: (kid: string) => Promise<boolean | null>
  /** A known key is re-checked against the JWKS after this many ms. */
  refreshMs: number
  /** After a failed re-check, the next one waits this many ms. */
  retryMs: number
  /** The most keys kept; Auth0 publishes two or three. */
  maxKeys: number
}

/**
 * The signing keys fetched so far, kept through a JWKS outage: what get-jwks lacks, since its
 * cache refetches on the request path once its ttl passes and keeps a stale key for one more
 * ttl only. Here a known key is served at once, re-checked in the background every
 * `refreshMs`, dropped when the issuer stops publishing it, and kept while the issuer cannot
 * be reached.
 */
export interface KnownKeys {
  /** The PEM key remembered for this kid, starting its re-check when it is due. */
  get(kid: string): string | undefined
  /** Fetches the key for a kid and remembers it. */
  fetch(kid: string): Promise<string>
  readonly size: number
}

interface KnownKey {
  pem: string
  checkedAt: number
}

export function createKnownKeys (options: KnownKeysOptions): KnownKeys {
  const { fetchKey, stillPublished, refreshMs, retryMs, maxKeys } = options
  const keys = new Map<string, KnownKey>()
  const rechecking = new Set<string>()

  function remember (kid: string, pem: string): string {
    if (keys.size >= maxKeys && !keys.has(kid)) {
      const oldest = keys.keys().next().value
      if (oldest !== undefined) keys.delete(oldest)
    }
    keys.set(kid, { pem, checkedAt: Date.now() })
    return pem
  }

  // get-jwks shares one JWKS fetch among the callers that wait for the same kid.
  async function fetch (kid: string): Promise<string> {
    return remember(kid, await fetchKey(kid))
  }

  async function recheck (kid: string): Promise<void> {
    const published = await stillPublished(kid)
    if (published === false) keys.delete(kid)
    else if (published === true) await fetch(kid)
    else throw new Error('cooling down')
  }

  function recheckInBackground (kid: string, entry: KnownKey): void {
    if (rechecking.has(kid)) return
    rechecking.add(kid)
    recheck(kid)
      // The issuer cannot be reached: the key stays, and is looked at again after retryMs.
      .catch(() => { entry.checkedAt = Date.now() - refreshMs + retryMs })
      .finally(() => rechecking.delete(kid))
  }

  return {
    get (kid) {
      const entry = keys.get(kid)
      if (entry === undefined) return undefined
      if (Date.now() - entry.checkedAt > refreshMs) recheckInBackground(kid, entry)
      return entry.pem
    },
    fetch,
    get size () {
      return keys.size
    }
  }
}
