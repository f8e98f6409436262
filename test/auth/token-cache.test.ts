import t from 'tap'
import type { Principal } from '../../src/auth/principal.js'
import { createTokenCache } from '../../src/auth/token-cache.js'

const TOLERANCE_MS = 5000
const SIGNATURE = 'S'.repeat(40)

function principal (sub: string, expSeconds: number): Principal {
  return { sub, roles: [], permissions: [], isAdmin: false, exp: expSeconds, iat: null, tokenId: `jti:${sub}` }
}

/** A fake clock in ms since the epoch, moved by hand. */
function clock (start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let current = start
  return { now: () => current, advance: (ms) => { current += ms } }
}

t.test('an entry is found only by exactly the header it came in', async (t) => {
  const time = clock()
  const cache = createTokenCache({ clockToleranceMs: TOLERANCE_MS, now: time.now })
  const header = `Bearer aaa.bbb.${SIGNATURE}`
  const stored = cache.remember(header, { principal: principal('auth0|a', time.now() / 1000 + 60), token: `aaa.bbb.${SIGNATURE}` })
  t.equal(stored.notRevokedIn, -1, 'a new entry has not been checked against revocations')
  t.equal(cache.get(header), stored, 'the same header finds it')
  t.equal(cache.get(`Bearer xxx.bbb.${SIGNATURE}`), undefined, 'another token with the same signature tail misses')
  t.equal(cache.get(`bearer aaa.bbb.${SIGNATURE}`), undefined, 'another spelling of the header misses')
  t.equal(cache.get(SIGNATURE), undefined, 'the bare tail misses')
})

t.test('an entry lives until exp plus the tolerance, and at most ttlMs', async (t) => {
  const time = clock()
  const cache = createTokenCache({ clockToleranceMs: TOLERANCE_MS, ttlMs: 600_000, now: time.now })
  const shortHeader = `Bearer s.s.${SIGNATURE}1`
  const longHeader = `Bearer l.l.${SIGNATURE}2`
  cache.remember(shortHeader, { principal: principal('auth0|short', time.now() / 1000 + 10), token: 's' })
  cache.remember(longHeader, { principal: principal('auth0|long', time.now() / 1000 + 86_400), token: 'l' })
  time.advance(10_000 + TOLERANCE_MS - 1)
  t.ok(cache.get(shortHeader), 'still there just before exp + tolerance')
  time.advance(2)
  t.equal(cache.get(shortHeader), undefined, 'gone just after exp + tolerance')
  time.advance(600_000)
  t.equal(cache.get(longHeader), undefined, 'a long-lived token is forgotten after ttlMs (a dropped key stops it)')
})

t.test('a token already past exp plus the tolerance is not remembered', async (t) => {
  const time = clock()
  const cache = createTokenCache({ clockToleranceMs: TOLERANCE_MS, now: time.now })
  const header = `Bearer e.e.${SIGNATURE}`
  const entry = cache.remember(header, { principal: principal('auth0|old', time.now() / 1000 - 10), token: 'e' })
  t.equal(entry.principal.sub, 'auth0|old', 'the entry is still returned for this request')
  t.equal(cache.get(header), undefined, 'but not kept')
  t.equal(cache.size, 0)
})

t.test('at most max entries, the least recently used go first', async (t) => {
  const time = clock()
  const cache = createTokenCache({ clockToleranceMs: TOLERANCE_MS, max: 2, now: time.now })
  const header = (n: number) => `Bearer h.p.${SIGNATURE}${n}`
  const exp = time.now() / 1000 + 60
  cache.remember(header(1), { principal: principal('auth0|1', exp), token: '1' })
  cache.remember(header(2), { principal: principal('auth0|2', exp), token: '2' })
  t.ok(cache.get(header(1)), 'the first is used again')
  cache.remember(header(3), { principal: principal('auth0|3', exp), token: '3' })
  t.equal(cache.size, 2)
  t.ok(cache.get(header(1)), 'the recently used one stays')
  t.equal(cache.get(header(2)), undefined, 'the least recently used one went')
  t.ok(cache.get(header(3)))
})

t.test('by default 10,000+ tokens in use all stay remembered', async (t) => {
  const time = clock()
  const cache = createTokenCache({ clockToleranceMs: TOLERANCE_MS, now: time.now })
  const header = (i: number) => `Bearer t.t.${String(i).padStart(40, '0')}`
  for (let i = 0; i < 15_000; i++) cache.remember(header(i), { principal: principal(`auth0|${i}`, time.now() / 1000 + 3600), token: 't' })
  t.equal(cache.size, 15_000)
  t.ok(cache.get(header(0)), 'the first of them is still found')
})
