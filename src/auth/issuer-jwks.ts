import buildGetJwks from 'get-jwks'
import { Agent } from 'undici'

export interface IssuerJwks {
  /** The configured issuer's JWKS URL. */
  readonly jwksUrl: string
  /** Gives every fetch a connect, header and body timeout (get-jwks' `timeout` does nothing with native fetch). */
  readonly dispatcher: Agent
  /** The PEM public key of the RSA signing key published under this kid; rejects otherwise. */
  publicKeyOf(kid: string): Promise<string>
  close(): Promise<void>
}

/**
 * get-jwks pinned to the configured issuer: the domain it fetches from comes from
 * configuration, never from a token's `iss` (and it is the only domain get-jwks allows),
 * the algorithm is RS256, and a token's `jku`, `x5u` or `jwk` is never read.
 */
export function createIssuerJwks (issuer: string, timeoutMs: number, maxKeys: number): IssuerJwks {
  const dispatcher = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  const getJwks = buildGetJwks({
    issuersWhitelist: [issuer],
    jwksPath: '.well-known/jwks.json',
    // Short: freshness is decided by the known keys (known-keys.ts); get-jwks dedupes concurrent fetches.
    ttl: 1000,
    max: maxKeys,
    fetchOptions: { dispatcher, redirect: 'error' }
  })
  return {
    jwksUrl: `${issuer}.well-known/jwks.json`,
    dispatcher,
    async publicKeyOf (kid) {
      const signature = { domain: issuer, alg: 'RS256', kid }
      const jwk = await getJwks.getJwk(signature)
      // An encryption key published under a signing kid must not verify signatures.
      if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) {
        throw new Error('the key for this kid is not an RSA signing key')
      }
      return getJwks.getPublicKey(signature)
    },
    close: () => dispatcher.close()
  }
}
