import { invalidToken } from './auth-errors.js'
import { createIssuerJwks } from './issuer-jwks.js'
import { createKnownKeys } from './known-keys.js'
import { createPublishedKids } from './published-kids.js'

export interface SigningKeysOptions {
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

export type SigningKeysStatus = 'ok' | 'stale' | 'unavailable'

export interface SigningKeys {
  /** The PEM public key for a token's kid; rejects with an invalid_token problem, never returns empty. */
  keyFor(kid: unknown): Promise<string>
  /**
   * Whether the issuer's keys can be had: 'ok' when a recent look succeeded, 'stale' when
   * the issuer fails but keys are known, 'unavailable' when it fails and none are.
   */
  status(): Promise<SigningKeysStatus>
  /** Looks at the published kids and fetches their keys; rejects when the issuer cannot be reached. */
  warmUp(): Promise<void>
  close(): Promise<void>
}

// A kid selects among the issuer's keys and is sent in no URL; it only needs to be printable and short.
const KID_PATTERN = /^[\x21-\x7e]{1,128}$/

/**
 * The configured issuer's signing keys, by kid: get-jwks fetches and converts them
 * (issuer-jwks.ts, pinned to the issuer), the published kids are looked at no more than once
 * per cooldown (published-kids.ts), and keys already fetched outlive a JWKS outage
 * (known-keys.ts). Nothing a token carries but its kid is read, and the kid only selects.
 */
export function createSigningKeys (options: SigningKeysOptions): SigningKeys {
  const maxKeys = options.maxKeys ?? 20
  const refreshMs = options.refreshMs ?? 10 * 60_000
  const jwks = createIssuerJwks(options.issuer, options.timeoutMs, maxKeys)
  const published = createPublishedKids({ jwksUrl: jwks.jwksUrl, dispatcher: jwks.dispatcher, timeoutMs: options.timeoutMs, cooldownMs: options.cooldownMs })
  const known = createKnownKeys({
    fetchKey: (kid) => jwks.publicKeyOf(kid),
    stillPublished: async (kid) => {
      const looking = published.look()
      if (looking === null) return null
      await looking
      return published.has(kid)
    },
    refreshMs,
    retryMs: options.cooldownMs,
    maxKeys
  })

  // An unknown kid: one look at the published kids per cooldown, then get-jwks for a listed one.
  async function keyForUnknownKid (kid: string): Promise<string> {
    if (!published.has(kid)) {
      const looking = published.look()
      if (looking === null) throw invalidToken('the signing key is not known')
      try {
        await looking
      } catch (error) {
        throw invalidToken('the issuer\'s keys could not be fetched', error)
      }
      if (!published.has(kid)) throw invalidToken('the signing key is not known')
    }
    try {
      return await known.fetch(kid)
    } catch (error) {
      throw invalidToken('the signing key is not known', error)
    }
  }

  return {
    async keyFor (kid) {
      if (typeof kid !== 'string' || !KID_PATTERN.test(kid)) throw invalidToken('the token header has no usable kid')
      return known.get(kid) ?? keyForUnknownKid(kid)
    },

    async status () {
      if (Date.now() - published.lastSuccessAt < refreshMs) return 'ok'
      try {
        await (published.look() ?? Promise.reject(new Error('cooling down')))
        return 'ok'
      } catch {
        return known.size > 0 ? 'stale' : 'unavailable'
      }
    },

    async warmUp () {
      try {
        await published.look(true)
      } catch (error) {
        published.forgetFailedLook()
        throw error
      }
      // A published key that is not an RSA signing key is simply never used; it is no failure.
      await Promise.allSettled(published.list().slice(0, maxKeys).map((kid) => known.fetch(kid)))
    },

    close: () => jwks.close()
  }
}

/**
 * The startup fetch of the signing keys, given up on (not cancelled) after `budgetMs`: a look
 * and a key fetch each have the JWKS timeout, and together they must stay well inside
 * Fastify's 10 s plugin timeout, or a slow issuer would stop the boot.
 */
export async function warmUpWithin (keys: SigningKeys, budgetMs: number): Promise<void> {
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
