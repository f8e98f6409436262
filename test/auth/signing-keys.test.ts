import { createPublicKey, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { createSigningKeys, type SigningKeys, type SigningKeysOptions } from '../../src/auth/signing-keys.js'
import { HttpProblem } from '../../src/http/problem.js'
import { startIssuer } from '../helpers/app.js'
import { newSigningKey, type TestIssuer } from '../helpers/issuer.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function keysFor (t: Test, issuer: TestIssuer, options: Partial<SigningKeysOptions> = {}): SigningKeys {
  const keys = createSigningKeys({ issuer: issuer.url, timeoutMs: 1000, cooldownMs: 30_000, ...options })
  t.teardown(() => keys.close())
  return keys
}

/** The error_description an invalid_token refusal carries. */
async function refusalOf (keys: SigningKeys, kid: unknown): Promise<string> {
  try {
    await keys.keyFor(kid)
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error
    return /error_description="([^"]*)"/.exec(String(error.headers?.['www-authenticate']))?.[1] ?? ''
  }
  throw new Error('a key was returned')
}

function samePublicKey (pem: string, key: { publicKey: import('node:crypto').KeyObject }): boolean {
  return createPublicKey(pem).equals(key.publicKey)
}

t.test('a published kid gives its key, through get-jwks; the warm-up fetches every published key', async (t) => {
  const issuer = await startIssuer(t)
  issuer.published.push(newSigningKey())
  const keys = keysFor(t, issuer)
  await keys.warmUp()
  const fetched = issuer.jwksRequests
  for (const key of issuer.published) t.ok(samePublicKey(await keys.keyFor(key.kid), key), `the key of ${key.kid}`)
  t.equal(issuer.jwksRequests, fetched, 'keys fetched at the warm-up are not fetched again')
  t.equal(await keys.status(), 'ok')
})

t.test('the cooldown: unknown kids cause one look at the JWKS per cooldown, and a look teaches every kid', async (t) => {
  const issuer = await startIssuer(t)
  const keys = keysFor(t, issuer, { cooldownMs: 300 })
  await keys.warmUp()
  const before = issuer.jwksRequests
  const refusals = await Promise.all(Array.from({ length: 50 }, () => refusalOf(keys, `kid-${randomUUID()}`)))
  t.ok(refusals.every((text) => text === 'the signing key is not known'), 'every unknown kid is refused')
  t.equal(issuer.jwksRequests, before, 'inside the cooldown of the warm-up look, no fetch at all')
  await sleep(350)
  const added = newSigningKey()
  issuer.published.push(added)
  t.equal(await refusalOf(keys, `kid-${randomUUID()}`), 'the signing key is not known')
  t.ok(samePublicKey(await keys.keyFor(added.kid), added), 'the look a random kid caused taught the new kid: it is not locked out')
  t.ok(issuer.jwksRequests - before <= 2, `one look and one key fetch (saw ${issuer.jwksRequests - before})`)
})

t.test('a kid is only a printable name: anything else is refused without a fetch', async (t) => {
  const issuer = await startIssuer(t)
  const keys = keysFor(t, issuer, { cooldownMs: 0 })
  const before = issuer.jwksRequests
  for (const kid of [undefined, 1, { kid: issuer.key.kid }, [issuer.key.kid], '', 'k'.repeat(129), `${issuer.key.kid}\u0000`]) {
    t.equal(await refusalOf(keys, kid), 'the token header has no usable kid', JSON.stringify(kid))
  }
  t.equal(issuer.jwksRequests, before)
})

t.test('known keys outlive an outage, are re-checked when due, and go when the issuer stops publishing them', async (t) => {
  const issuer = await startIssuer(t)
  const keys = keysFor(t, issuer, { cooldownMs: 0, refreshMs: 100 })
  await keys.warmUp()
  const old = issuer.key
  issuer.mode = { kind: 'down' }
  await sleep(150)
  t.ok(samePublicKey(await keys.keyFor(old.kid), old), 'due for a re-check, the issuer down: the key is served at once')
  t.equal(await keys.status(), 'stale', '/ready is told the keys are stale')
  await sleep(150)
  t.ok(samePublicKey(await keys.keyFor(old.kid), old), 'a failed re-check keeps the key')
  await sleep(100) // the re-check this started ends while the issuer is still down

  issuer.mode = { kind: 'up' }
  issuer.rotate()
  await sleep(150)
  await keys.keyFor(old.kid) // due: starts the re-check, which finds the kid no longer published
  await sleep(100)
  t.equal(await refusalOf(keys, old.kid), 'the signing key is not known', 'a key the issuer dropped is dropped')
  t.ok(samePublicKey(await keys.keyFor(issuer.key.kid), issuer.key), 'its successor is fetched')
  t.equal(await keys.status(), 'ok')
})

t.test('an issuer that cannot be reached: no keys at all is "unavailable", and a new kid says why', async (t) => {
  const issuer = await startIssuer(t)
  issuer.mode = { kind: 'down' }
  const keys = keysFor(t, issuer, { cooldownMs: 0 })
  await t.rejects(keys.warmUp(), 'the warm-up fails')
  t.equal(await refusalOf(keys, issuer.key.kid), 'the issuer\'s keys could not be fetched')
  t.equal(await keys.status(), 'unavailable')
})
