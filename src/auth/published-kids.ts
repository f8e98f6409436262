import type { Dispatcher } from 'undici'

export interface PublishedKidsOptions {
  /** The configured issuer's JWKS URL; never one a token names. */
  jwksUrl: string
  /** The dispatcher that gives every fetch a connect, header and body timeout. */
  dispatcher: Dispatcher
  timeoutMs: number
  /** A look may be caused by a request at most once per this many ms. */
  cooldownMs: number
}

/**
 * The kids the issuer publishes, looked at no more than once per cooldown: what get-jwks
 * lacks to stop unknown kids from making every request refetch the JWKS. get-jwks answers
 * for one kid at a time and caches no miss; this listing lets one look, whoever caused it,
 * teach every current kid, so a flood of random kids cannot lock a real new key out.
 */
export interface PublishedKids {
  has(kid: string): boolean
  /** Every kid of the last successful look. */
  list(): string[]
  /**
   * Looks at the JWKS again, or joins the look under way; null when none is under way and the
   * cooldown has not passed. `force` (the startup look) ignores the cooldown.
   */
  look(force?: boolean): Promise<void> | null
  /** A failed startup look must not spend the cooldown: the first request may look again. */
  forgetFailedLook(): void
  /** When a look last succeeded, in ms since the epoch. */
  readonly lastSuccessAt: number
}

export function createPublishedKids (options: PublishedKidsOptions): PublishedKids {
  const { jwksUrl, dispatcher, timeoutMs, cooldownMs } = options
  let kids = new Set<string>()
  let lastLookAt = Number.NEGATIVE_INFINITY
  let lastSuccessAt = Number.NEGATIVE_INFINITY
  let looking: Promise<void> | null = null

  async function fetchKids (): Promise<void> {
    const response = await fetch(jwksUrl, { dispatcher, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) } as RequestInit)
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`JWKS answered ${response.status}`)
    }
    const body = (await response.json()) as { keys?: Array<{ kid?: unknown }> }
    if (!Array.isArray(body.keys)) throw new Error('the JWKS has no keys array')
    kids = new Set(body.keys.map((key) => key?.kid).filter((kid): kid is string => typeof kid === 'string'))
    lastSuccessAt = Date.now()
  }

  return {
    has: (kid) => kids.has(kid),
    list: () => [...kids],
    look (force = false) {
      if (!looking && (force || Date.now() - lastLookAt >= cooldownMs)) {
        lastLookAt = Date.now()
        looking = fetchKids().finally(() => {
          looking = null
        })
      }
      return looking
    },
    forgetFailedLook () {
      lastLookAt = Number.NEGATIVE_INFINITY
    },
    get lastSuccessAt () {
      return lastSuccessAt
    }
  }
}
