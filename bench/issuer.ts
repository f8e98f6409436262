/**
 * The issuer the benchmark's tokens come from: the app's own development issuer
 * (src/auth/dev-issuer.ts, what `npm run token` mints from), run here in the bench process
 * with a key made for the run. The API under test runs in production mode and trusts it as
 * AUTH0_ISSUER_BASE_URL, fetching its JWKS and /userinfo over loopback like Auth0's.
 *
 * This is the only file in bench/ that imports from src/: if the issuer moves, fix it here.
 */
import { createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type DevIssuerState, mintDevToken, startDevIssuer } from '../src/auth/dev-issuer.js'

const AUDIENCE = 'https://store-api.bench/'
const ROLE_CLAIM = 'https://store-api/roles'
// Longer than any run, so that no token expires during a measurement.
const TOKEN_LIFETIME_SECONDS = 6 * 3600

export interface BenchIssuer {
  /** The issuer URL, with the trailing slash tokens carry in `iss`. */
  url: string
  audience: string
  roleClaim: string
  /** The signing key's public half (SPKI PEM), for the fast-jwt baselines. */
  publicKeyPem: string
  /** An RS256 access token for sub with these roles, with a fresh jti. */
  token(sub: string, roles: string[]): string
  close(): Promise<void>
}

/** Starts the development issuer on a free loopback port, its key kept in dir. */
export async function startBenchIssuer (dir: string): Promise<BenchIssuer> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('the bench mints its tokens from the development issuer, which refuses NODE_ENV=production: unset NODE_ENV for the bench process (the API it starts still runs in production mode)')
  }
  const statePath = join(dir, 'dev-issuer.json')
  const issuer = await startDevIssuer({ statePath, port: 0, audience: AUDIENCE, roleClaim: ROLE_CLAIM })
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as DevIssuerState
  return {
    url: issuer.issuer,
    audience: issuer.audience,
    roleClaim: state.roleClaim,
    publicKeyPem: createPublicKey(state.privateKeyPem).export({ type: 'spki', format: 'pem' }).toString(),
    token: (sub, roles) => mintDevToken(state, { sub, roles, permissions: [], expiresInSeconds: TOKEN_LIFETIME_SECONDS }),
    close: () => issuer.close()
  }
}
