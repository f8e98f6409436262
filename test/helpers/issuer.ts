import { createHmac, createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
}

/** How the issuer's JWKS endpoint behaves: answering, failing with 503, or answering late. */
export type IssuerMode = { kind: 'up' } | { kind: 'down' } | { kind: 'slow'; delayMs: number }

export function base64url (input: string | Buffer): string {
  return Buffer.from(input).toString('base64url')
}

export function newSigningKey (kid = `kid-${randomUUID()}`): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid, privateKey, publicKey }
}

/**
 * A local OAuth issuer for tests: RSA keys made here, a JWKS served over HTTP on
 * 127.0.0.1 so that get-jwks really fetches it, and a signer for good and forged tokens.
 */
export class TestIssuer {
  readonly audience = 'https://store-api.test/'
  readonly roleClaim = 'https://store-api/roles'
  url = ''
  /** Keys published in the JWKS. */
  published: SigningKey[] = []
  mode: IssuerMode = { kind: 'up' }
  /** How many times the JWKS was requested. */
  jwksRequests = 0
  /** How userinfo behaves; 'refuse' answers 401 as Auth0 does for a token without the openid scope. */
  userinfoMode: IssuerMode | { kind: 'refuse' } = { kind: 'up' }
  userinfoRequests = 0
  #server: Server | null = null

  static async start (): Promise<TestIssuer> {
    const issuer = new TestIssuer()
    issuer.published.push(newSigningKey())
    await issuer.#listen()
    return issuer
  }

  get key (): SigningKey {
    const key = this.published[0]
    if (!key) throw new Error('no published key')
    return key
  }

  async #listen (): Promise<void> {
    const server = createServer((request, response) => this.#handle(request, response))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.#server = server
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  }

  #handle (request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0]
    if (path === '/userinfo') {
      this.#userinfo(request, response)
      return
    }
    if (path !== '/.well-known/jwks.json') {
      response.writeHead(404).end()
      return
    }
    this.jwksRequests++
    const mode = this.mode
    const answer = () => {
      if (response.destroyed) return
      if (mode.kind === 'down') {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable')
        return
      }
      const keys = this.published.map((key) => ({ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' }))
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }))
    }
    if (mode.kind === 'slow') setTimeout(answer, mode.delayMs).unref()
    else answer()
  }

  // Like Auth0's: the profile of the token's subject, read without re-verifying (tests only).
  #userinfo (request: IncomingMessage, response: ServerResponse): void {
    this.userinfoRequests++
    const mode = this.userinfoMode
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1]
    const answer = () => {
      if (response.destroyed) return
      if (mode.kind === 'down') {
        response.writeHead(503).end('unavailable')
        return
      }
      if (mode.kind === 'refuse' || !token) {
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_token"}')
        return
      }
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(profileOf(payload.sub)))
    }
    if (mode.kind === 'slow') setTimeout(answer, mode.delayMs).unref()
    else answer()
  }

  /** Publishes a new key and stops publishing the old ones. */
  rotate (): SigningKey {
    const key = newSigningKey()
    this.published = [key]
    return key
  }

  /** Standard claims of a good access token, overridable one by one. */
  claims (overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000)
    return {
      iss: this.url,
      aud: this.audience,
      sub: 'auth0|user-1',
      iat: now,
      exp: now + 3600,
      [this.roleClaim]: [],
      ...overrides
    }
  }

  /** An RS256 token signed with a published key (or the given one). */
  token (overrides: Record<string, unknown> = {}, options: { key?: SigningKey; header?: Record<string, unknown> } = {}): string {
    const key = options.key ?? this.key
    return forge({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...options.header }, this.claims(overrides), { rsa: key.privateKey })
  }

  adminToken (overrides: Record<string, unknown> = {}): string {
    return this.token({ sub: 'auth0|admin-1', [this.roleClaim]: ['admin'], ...overrides })
  }

  userToken (overrides: Record<string, unknown> = {}): string {
    return this.token({ sub: 'auth0|user-1', [this.roleClaim]: ['user'], ...overrides })
  }

  async close (): Promise<void> {
    const server = this.#server
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

/** The profile the test issuer's userinfo gives a subject. */
export function profileOf (sub: string): { sub: string; name: string; email: string; picture: string } {
  const local = sub.replace(/[^a-z0-9]/gi, '-')
  return { sub, name: `Name of ${sub}`, email: `${local}@example.test`, picture: `https://example.test/${local}.png` }
}

/**
 * Builds a compact JWS by hand so tests can make the tokens no honest library would:
 * alg none, HMAC with a public key, the wrong RSA padding, and so on.
 */
export function forge (
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signWith: { rsa?: KeyObject; rsaAlgorithm?: 'RSA-SHA256' | 'RSA-SHA512'; pss?: boolean; hmac?: { secret: string | Buffer; hash: 'sha256' | 'sha384' | 'sha512' }; none?: true }
): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  if (signWith.none) return `${input}.`
  if (signWith.hmac) return `${input}.${createHmac(signWith.hmac.hash, signWith.hmac.secret).update(input).digest('base64url')}`
  if (!signWith.rsa) throw new Error('nothing to sign with')
  const signer = createSign(signWith.rsaAlgorithm ?? 'RSA-SHA256').update(input)
  const signature = signWith.pss
    ? signer.sign({ key: signWith.rsa, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 })
    : signer.sign(signWith.rsa)
  return `${input}.${signature.toString('base64url')}`
}
