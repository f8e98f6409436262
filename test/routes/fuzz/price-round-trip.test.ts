import fc from 'fast-check'
import t from 'tap'
import { bearer, startApp, startIssuer } from '../../helpers/app.js'
import { check, newStats, NO_RATE_LIMITS, runs, send } from './fuzz-cases.js'

// Fuzzing prices: any amount in cents comes back exactly as it was sent (see fuzz-cases.ts). FUZZ_SEED=<n> replays a run; FUZZ_RUNS scales it.

t.test('fuzz: any price in cents round-trips exactly, as a string and as a JSON number', async (t) => {
  const issuer = await startIssuer(t)
  const app = await startApp(t, issuer, NO_RATE_LIMITS)
  const s = newStats()
  const headers = bearer(issuer.adminToken({ sub: 'auth0|fuzz-price' }))
  let asNumbers = 0
  const roundTrip = async (price: string | number, expected: string) => {
    const created = await send(app, s, { method: 'POST', url: '/products', headers, payload: { title: 'Price', price, image: 'https://example.com/p.jpg' } })
    if (created.statusCode !== 201) throw new Error(`POST price ${JSON.stringify(price)}: ${created.statusCode} ${created.body}`)
    const product = created.json() as { id: number; price: string }
    if (product.price !== expected) throw new Error(`POST price ${JSON.stringify(price)} answered ${product.price}, expected ${expected}`)
    const back = await send(app, s, { method: 'GET', url: `/products/${product.id}` })
    const stored = (back.json() as { price?: string }).price
    if (stored !== expected) throw new Error(`GET after POST price ${JSON.stringify(price)} answered ${stored}, expected ${expected}`)
  }
  const cents = fc.oneof(fc.integer({ min: 0, max: 9_999_999 }), fc.constantFrom(0, 1, 10, 99, 100, 101, 9_999_999, 9_999_990, 1_000_000, 28_999, 435, 29))
  await check(t, 'price round trip', fc.asyncProperty(cents, async (value) => {
    s.cases++
    const expected = `${Math.trunc(value / 100)}.${String(value % 100).padStart(2, '0')}`
    await roundTrip(expected, expected)
    const asNumber = value / 100
    if (/^\d+(\.\d{1,2})?$/.test(String(asNumber))) {
      asNumbers++
      await roundTrip(asNumber, expected)
    }
  }), runs(300))
  t.comment(`price round trip: ${s.cases} cases (${asNumbers} also as JSON numbers), ${s.requests} requests`)
})
