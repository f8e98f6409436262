import { generateKeyPairSync, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname } from 'node:path'
import { createSigner, createVerifier } from 'fast-jwt'

/** What `npm run token` needs to mint tokens the running API accepts. */
export interface DevIssuerState {
  issuer: string
  audience: string
  roleClaim: string
  kid: string
  privateKeyPem: string
}

export interface DevIssuer {
  issuer: string
  audience: string
  close(): Promise<void>
}

export interface DevIssuerOptions {
  statePath: string
  port: number
  audience: string
  roleClaim: string
}

function loadOrCreateKey (statePath: string): { kid: string; privateKeyPem: string } {
  try {
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as Partial<DevIssuerState>
    if (typeof state.kid === 'string' && typeof state.privateKeyPem === 'string') {
      createPrivateKey(state.privateKeyPem)
      return { kid: state.kid, privateKeyPem: state.privateKeyPem }
    }
  } catch {
    // Missing or unreadable state: a new key pair below; earlier dev tokens stop working.
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid: `dev-${randomUUID()}`, privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}

/**
 * A local OAuth issuer for trying the API without an Auth0 tenant. It serves a real
 * JWKS over HTTP on loopback, so its tokens take the same verification path as Auth0's.
 * Never started in production: loadConfig refuses to boot without an issuer there.
 */
export async function startDevIssuer (options: DevIssuerOptions): Promise<DevIssuer> {
  if (process.env.NODE_ENV === 'production') {
    throw new Error('The development issuer cannot run with NODE_ENV=production')
  }
  const { kid, privateKeyPem } = loadOrCreateKey(options.statePath)
  const publicJwk = createPublicKey(privateKeyPem).export({ format: 'jwk' })
  const jwks = JSON.stringify({ keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] })
  let issuer = ''
  let verify: ((token: string) => Record<string, unknown>) | null = null

  // Like Auth0's: the caller's own access token in, that subject's profile out.
  function userinfo (authorization: string | undefined): Record<string, unknown> | null {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1]
    if (!token || !verify) return null
    try {
      const sub = String(verify(token).sub)
      const local = sub.replace(/[^A-Za-z0-9._-]/g, '.')
      return { sub, name: `Dev user ${sub}`, email: `${local}@dev.store-api.local`, picture: null }
    } catch {
      return null
    }
  }

  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method === 'GET' && path === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(jwks)
    } else if (request.method === 'GET' && path === '/userinfo') {
      const profile = userinfo(request.headers.authorization)
      response
        .writeHead(profile ? 200 : 401, { 'content-type': 'application/json' })
        .end(JSON.stringify(profile ?? { error: 'invalid_token' }))
    } else if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ issuer, jwks_uri: `${issuer}.well-known/jwks.json`, userinfo_endpoint: `${issuer}userinfo` }))
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`DEV_ISSUER_PORT ${options.port} is in use; set DEV_ISSUER_PORT to a free port`)
          : error
      )
    })
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  verify = createVerifier({ key: createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString(), algorithms: ['RS256'], allowedIss: issuer })

  const state: DevIssuerState = { issuer, audience: options.audience, roleClaim: options.roleClaim, kid, privateKeyPem }
  mkdirSync(dirname(options.statePath), { recursive: true })
  writeFileSync(options.statePath, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
  // The mode above applies only when the file is created; an older file may be wider.
  chmodSync(options.statePath, 0o600)

  return {
    issuer,
    audience: options.audience,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

export interface DevTokenClaims {
  sub: string
  roles: string[]
  permissions: string[]
  expiresInSeconds: number
}

/** Signs an access token shaped like Auth0's, with the development issuer's key. */
export function mintDevToken (state: DevIssuerState, claims: DevTokenClaims): string {
  const sign = createSigner({
    key: state.privateKeyPem,
    algorithm: 'RS256',
    kid: state.kid,
    iss: state.issuer,
    aud: state.audience,
    sub: claims.sub,
    expiresIn: claims.expiresInSeconds * 1000,
    jti: randomUUID()
  })
  const payload: Record<string, unknown> = { [state.roleClaim]: claims.roles }
  if (claims.permissions.length > 0) payload.permissions = claims.permissions
  return sign(payload)
}
