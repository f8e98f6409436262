import { createPublicKey } from 'node:crypto'
import buildGetJwks from 'get-jwks'
import { Agent } from 'undici'
import { invalidToken } from './auth-errors.js'

export interface KeyResolverOptions {
  /** The configured issuer, with its trailing slash; the only place keys come from. */
  issuer: string
  /** Connect, header and body timeout for one JWKS fetch. */
  timeoutMs: number
  /** An unknown kid may cause a JWKS fetch at most once per this many ms. */
  cooldownMs: number
  /** A known key is re-checked against the JWKS after this many ms. */
  refreshMs?: number
  /** The most keys kept; Auth0 publishes two or three. */
  maxKeys?: number
}

interface CachedKey {
  pem: string
  checkedAt: number
}

export interface KeyResolver {
  /** The PEM public key for a token's kid; throws an invalid_token problem, never returns empty. */
  resolve(kid: unknown): Promise<string>
  /**
   * Whether the issuer's keys can be had: 'ok' when a recent fetch succeeded, 'stale' when
   * the issuer fails but keys are cached, 'unavailable' when it fails and none are.
   */
  status(): Promise<'ok' | 'stale' | 'unavailable'>
  /** Lists the published kids and fetches their keys; rejects when the issuer cannot be reached. */
  warmUp(): Promise<void>
  close(): Promise<void>
}

const KID_PATTERN = /^[\x21-\x7e]{1,128}$/

/**
 * Resolves signing keys from the pinned issuer's JWKS through get-jwks, adding what
 * get-jwks leaves to its caller: a real fetch timeout (its own `timeout` option is
 * ignored by native fetch), a cooldown so that unknown kids cannot flood the issuer,
 * and a memo of the PEM conversion so a known key costs a Map lookup.
 *
 * get-jwks answers for one kid at a time, so the cooldown is kept against a listing of
 * the kids the issuer publishes: a kid absent from the latest listing may cause at most
 * one new listing per cooldown, while a listed kid is fetched through get-jwks at once.
 */
export function createKeyResolver (options: KeyResolverOptions): KeyResolver {
  const { issuer, timeoutMs, cooldownMs } = options
  const refreshMs = options.refreshMs ?? 10 * 60_000
  const maxKeys = options.maxKeys ?? 20
  const dispatcher = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  const jwks = buildGetJwks({
    issuersWhitelist: [issuer],
    jwksPath: '.well-known/jwks.json',
    // Short: freshness is decided here, get-jwks only needs to dedupe concurrent fetches.
    ttl: 1000,
    max: maxKeys,
    fetchOptions: { dispatcher }
  })
  const jwksUrl = `${issuer}.well-known/jwks.json`
  const keys = new Map<string, CachedKey>()
  const refreshing = new Set<string>()
  // The kids the issuer published at the last look, so that one fetch, whoever caused it,
  // teaches us every current key: a random kid cannot lock a real new key out for a cooldown.
  let publishedKids = new Set<string>()
  let lastListing = Number.NEGATIVE_INFINITY
  let lastListingOk = Number.NEGATIVE_INFINITY
  let listing: Promise<void> | null = null

  // At most one listing in flight, and, unless `force`, at most one per cooldown.
  function listOnce (force: boolean): Promise<void> | null {
    if (!listing && (force || Date.now() - lastListing >= cooldownMs)) {
      lastListing = Date.now()
      listing = listPublishedKids().finally(() => {
        listing = null
      })
    }
    return listing
  }

  async function listPublishedKids (): Promise<void> {
    const response = await fetch(jwksUrl, { dispatcher, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) } as RequestInit)
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`JWKS answered ${response.status}`)
    }
    const body = (await response.json()) as { keys?: Array<{ kid?: unknown }> }
    if (!Array.isArray(body.keys)) throw new Error('the JWKS has no keys array')
    publishedKids = new Set(body.keys.map((key) => key?.kid).filter((kid): kid is string => typeof kid === 'string'))
    lastListingOk = Date.now()
  }

  async function fetchKey (kid: string): Promise<string> {
    const jwk = (await jwks.getJwk({ domain: issuer, alg: 'RS256', kid })) as Record<string, unknown>
    if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) {
      throw new Error('the key for this kid is not an RSA signing key')
    }
    const pem = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString()
    if (!pem) throw new Error('empty key')
    if (keys.size >= maxKeys && !keys.has(kid)) {
      const oldest = keys.keys().next().value
      if (oldest !== undefined) keys.delete(oldest)
    }
    keys.set(kid, { pem, checkedAt: Date.now() })
    return pem
  }

  // One fetch and PEM conversion per kid, however many requests wait for it.
  const fetching = new Map<string, Promise<string>>()
  function keyFor (kid: string): Promise<string> {
    let pending = fetching.get(kid)
    if (!pending) {
      pending = fetchKey(kid).finally(() => fetching.delete(kid))
      fetching.set(kid, pending)
    }
    return pending
  }

  function refreshInBackground (kid: string): void {
    if (refreshing.has(kid)) return
    refreshing.add(kid)
    fetchKey(kid)
      .catch((error: unknown) => {
        // A key the issuer no longer publishes is dropped; an unreachable issuer keeps it.
        if ((error as { code?: string }).code === 'JWK_NOT_FOUND') keys.delete(kid)
        else {
          const entry = keys.get(kid)
          if (entry) entry.checkedAt = Date.now() - refreshMs + cooldownMs
        }
      })
      .finally(() => refreshing.delete(kid))
  }

  return {
    async resolve (kid: unknown): Promise<string> {
      if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) {
        throw invalidToken('the token header has no usable kid')
      }
      const cached = keys.get(kid)
      if (cached) {
        if (Date.now() - cached.checkedAt > refreshMs) refreshInBackground(kid)
        return cached.pem
      }
      if (!publishedKids.has(kid)) {
        const pending = listOnce(false)
        if (!pending) throw invalidToken('the signing key is not known')
        try {
          await pending
        } catch (error) {
          throw invalidToken('the issuer\'s keys could not be fetched', error)
        }
        if (!publishedKids.has(kid)) throw invalidToken('the signing key is not known')
      }
      try {
        return await keyFor(kid)
      } catch (error) {
        throw invalidToken('the signing key is not known', error)
      }
    },

    async status () {
      if (Date.now() - lastListingOk < refreshMs) return 'ok'
      try {
        await (listOnce(false) ?? Promise.reject(new Error('cooling down')))
        return 'ok'
      } catch {
        return keys.size > 0 ? 'stale' : 'unavailable'
      }
    },

    async warmUp () {
      try {
        await listOnce(true)
      } catch (error) {
        // A failed look at startup must not spend the cooldown: the first request may look again.
        lastListing = Number.NEGATIVE_INFINITY
        throw error
      }
      // A published key that is not an RSA signing key is simply never used; it is no failure.
      await Promise.allSettled([...publishedKids].slice(0, maxKeys).map((kid) => keyFor(kid)))
    },

    async close () {
      await dispatcher.close()
    }
  }
}

/**
 * The startup fetch of the signing keys, given up on (not cancelled) after `budgetMs`: a listing
 * and a key fetch each have the JWKS timeout, and together they must stay well inside
 * Fastify's 10 s plugin timeout, or a slow issuer would stop the boot.
 */
export async function warmUpWithin (keys: KeyResolver, budgetMs: number): Promise<void> {
  const warming = keys.warmUp()
  warming.catch(() => {})
  let timer: NodeJS.Timeout | undefined
  const giveUp = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${budgetMs} ms`)), budgetMs)
  })
  try {
    await Promise.race([warming, giveUp])
  } finally {
    clearTimeout(timer)
  }
}
