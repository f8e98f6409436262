import type { Test } from 'tap'
import type { Store } from '../../../src/store/types.js'
import { tagged, compare, type StoreFor } from './helpers.js'

/** The user repository: first sight, last seen, profile and paging. */
export function userContract (t: Test, storeFor: StoreFor): void {
  t.test('users: first sight, last seen, profile, and paging most recent first', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const first = new Date(1_700_000_000_123)
    await store.users.recordSeen(`${tag}|a`, false, first)
    await store.users.recordSeen(`${tag}|a`, true, new Date(first.getTime() + 5000))
    await store.users.updateProfile(`${tag}|a`, { name: 'Ann', email: 'ann@example.test', picture: null })
    t.same(await store.users.get(`${tag}|a`), {
      sub: `${tag}|a`, name: 'Ann', email: 'ann@example.test', picture: null, isAdmin: true, firstSeenAt: first, lastSeenAt: new Date(first.getTime() + 5000)
    })
    t.equal(await store.users.get(`${tag}|nobody`), null)
    const subs = ['b', 'B', 'c', 'é', 'd', 'e', 'Z'].map((s) => `${tag}|${s}`)
    for (const [i, sub] of subs.entries()) await store.users.recordSeen(sub, false, new Date(first.getTime() + 1000 * (i % 3)))
    const ours = [...subs, `${tag}|a`]
    const all = await Promise.all(ours.map(async (sub) => (await store.users.get(sub))!))
    const expected = all
      .sort((x, y) => y.lastSeenAt.getTime() - x.lastSeenAt.getTime() || compare(y.sub, x.sub))
      .map((u) => u.sub)
    const seen: string[] = []
    let after = null
    for (let pages = 0; pages < 100; pages++) {
      const page: Awaited<ReturnType<Store['users']['list']>> = await store.users.list({ limit: 3, after })
      seen.push(...page.items.map((u) => u.sub))
      after = page.next
      if (after === null) break
    }
    t.same(seen.filter((sub) => sub.startsWith(`${tag}|`)), expected, 'every user once, by last seen then subject, descending')
  })
}
