import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { ChangeContext, ChangePosition, IdempotentWrite, Product, ProductChange, ProductInput, ProductQuery, ProductSortField, Store } from '../../src/store/types.js'

/** Opens a store for one case; every call may return a new one (the suite closes each). */
export type OpenStore = () => Promise<Store>

// Cases share a database on some backends, so each tags its products (a title word), actors
// and subjects with a word of its own and only looks at those.
const tagged = () => `t${randomBytes(5).toString('hex')}`
const context = (actor: string): ChangeContext => ({ actor, requestId: `req-${actor}` })
const input = (title: string, priceCents = 100): ProductInput => ({ title, priceCents, image: 'https://example.test/p.png' })

function query (words: string[], overrides: Partial<ProductQuery> = {}): ProductQuery {
  return { limit: 100, sort: { field: 'id', descending: false }, words, minPriceCents: null, maxPriceCents: null, after: null, ...overrides }
}

function okValue<T> (outcome: { status: string, value?: T }): T {
  if (outcome.status !== 'ok') throw new Error(`expected ok, got ${outcome.status}`)
  return outcome.value as T
}

function idempotent<T> (sub: string, key: string, overrides: Partial<IdempotentWrite<T>> = {}): IdempotentWrite<T> {
  return {
    sub,
    key,
    requestHash: `hash-${key}`,
    now: new Date(),
    since: new Date(Date.now() - 86_400_000),
    respond: (result) => ({ status: 201, body: JSON.stringify(result), headers: { location: `/x/${key}` } }),
    ...overrides
  }
}

/** Code-point order, as both backends sort text (no astral characters in these titles). */
const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0)

function sortKey (product: Product, field: ProductSortField): string | number {
  switch (field) {
    case 'title': return product.title.toLowerCase()
    case 'price': return product.priceCents
    case 'createdAt': return product.createdAt.getTime()
    case 'updatedAt': return product.updatedAt.getTime()
    default: return product.id
  }
}

/** Reads the change feed from `after` until a page comes back empty. */
async function syncToEnd (store: Store, after: ChangePosition | null, limit = 100): Promise<{ items: ProductChange[], next: ChangePosition }> {
  const items: ProductChange[] = []
  let position = after
  for (let pages = 0; pages < 10_000; pages++) {
    const outcome = await store.products.changes(position, limit)
    if (outcome.status !== 'ok') throw new Error(`change feed: ${outcome.status}`)
    items.push(...outcome.page.items)
    position = outcome.page.next
    if (outcome.page.items.length === 0) return { items, next: position }
  }
  throw new Error('the change feed never ended')
}

const changeId = (change: ProductChange) => (change.deleted ? change.id : change.product.id)

/**
 * Syncs from `after` until `done` holds for what came back, for at most a few seconds. On
 * PostgreSQL a change shows once every older transaction in the cluster has ended, which
 * another database's open transaction may delay; it never changes what is shown.
 */
async function syncUntil (store: Store, after: ChangePosition | null, done: (items: ProductChange[]) => boolean) {
  const items: ProductChange[] = []
  let next = after
  const deadline = Date.now() + 10_000
  for (;;) {
    const read = await syncToEnd(store, next)
    items.push(...read.items)
    next = read.next
    if (done(items) || Date.now() > deadline) return { items, next }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Runs the storage contract against the stores `open` returns. */
export function storeContract (t: Test, open: OpenStore): void {
  async function storeFor (t: Test): Promise<Store> {
    const store = await open()
    t.teardown(() => store.close())
    return store
  }

  t.test('create, get, update and delete a product; missing ids are not-found outcomes', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const created = okValue(await store.products.create(input(`${tag} Mug`, 1250), context(tag)))
    t.match(created, { title: `${tag} Mug`, priceCents: 1250, version: 1 })
    t.same(await store.products.get(created.id), created, 'read back exactly, timestamps to the millisecond')
    const updated = okValue(await store.products.update(created.id, { priceCents: 999 }, context(tag)))
    t.match(updated, { id: created.id, title: `${tag} Mug`, priceCents: 999, version: 2 })
    t.ok(updated.updatedAt.getTime() >= created.updatedAt.getTime())
    t.same(updated.createdAt, created.createdAt)
    const deleted = await store.products.delete(created.id, context(tag))
    t.same(deleted, { status: 'ok', value: updated }, 'delete returns the product as it was')
    t.equal(await store.products.get(created.id), null)
    t.same(await store.products.update(created.id, { title: 'x' }, context(tag)), { status: 'not-found' })
    t.same(await store.products.delete(created.id, context(tag)), { status: 'not-found' })
    const huge = Number.MAX_SAFE_INTEGER
    t.equal(await store.products.get(huge), null, 'any safe integer id is just not found')
    t.same(await store.products.update(huge, { title: 'x' }, context(tag)), { status: 'not-found' })
    t.same(await store.products.deleteMany([huge], context(tag)), { status: 'unknown-ids', ids: [huge] })
    t.same((await store.audit.list({ limit: 1, productId: huge, actor: null, action: null, from: null, to: null, beforeId: null })).items, [])
  })

  t.test('a precondition is checked on the current row; a refused write changes nothing', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const product = okValue(await store.products.create(input(`${tag} Lamp`), context(tag)))
    const seen: Product[] = []
    const refused = await store.products.update(product.id, { title: `${tag} Other` }, context(tag), (current) => {
      seen.push(current)
      return current.version === 7
    })
    t.same(refused, { status: 'precondition-failed', current: product })
    t.same(seen, [product], 'the precondition saw the current product')
    t.same(await store.products.delete(product.id, context(tag), () => false), { status: 'precondition-failed', current: product })
    t.same(await store.products.get(product.id), product, 'unchanged')
    const audit = await store.audit.list({ limit: 10, productId: product.id, actor: null, action: null, from: null, to: null, beforeId: null })
    t.same(audit.items.map((entry) => entry.action), ['create'], 'no audit entry for refused writes')
    const ok = await store.products.delete(product.id, context(tag), (current) => current.version === 1)
    t.equal(ok.status, 'ok')
  })

  t.test('two concurrent writes with one version precondition: exactly one wins', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const product = okValue(await store.products.create(input(`${tag} Race`), context(tag)))
    const ifVersion1 = (current: Product) => current.version === 1
    const outcomes = await Promise.all([
      store.products.update(product.id, { priceCents: 1 }, context(tag), ifVersion1),
      store.products.update(product.id, { priceCents: 2 }, context(tag), ifVersion1)
    ])
    t.same(outcomes.map((o) => o.status).sort(), ['ok', 'precondition-failed'])
    t.equal((await store.products.get(product.id))?.version, 2)
  })

  t.test('concurrent writes without a precondition all apply, each on the version before it', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const product = okValue(await store.products.create(input(`${tag} Busy`), context(tag)))
    const writes = 12
    const outcomes = await Promise.all(Array.from({ length: writes }, (_, i) =>
      store.products.update(product.id, i % 2 ? { priceCents: 100 + i } : { title: `${tag} Busy ${i}` }, context(tag))))
    t.same(outcomes.map((o) => o.status), outcomes.map(() => 'ok'), 'none is lost or refused')
    t.equal((await store.products.get(product.id))?.version, 1 + writes)
    const trail = await store.audit.list({ limit: 100, productId: product.id, actor: null, action: 'update', from: null, to: null, beforeId: null })
    t.same(trail.items.map((e) => [e.before?.version, e.after?.version]).reverse(),
      Array.from({ length: writes }, (_, i) => [i + 1, i + 2]), 'one audit entry per version, from the one before')
  })

  t.test('every change has its audit entry with domain snapshots; the trail filters and pages', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const start = new Date(Date.now() - 1)
    const created = okValue(await store.products.create(input(`${tag} Pen`), context(tag)))
    const updated = okValue(await store.products.update(created.id, { title: `${tag} Pencil` }, context(tag)))
    await store.products.delete(created.id, context(tag))
    const all = await store.audit.list({ limit: 10, productId: created.id, actor: null, action: null, from: null, to: null, beforeId: null })
    t.same(all.items.map((e) => [e.action, e.before, e.after]), [
      ['delete', updated, null],
      ['update', created, updated],
      ['create', null, created]
    ], 'newest first, with the products before and after')
    t.match(all.items[0], { actor: tag, requestId: `req-${tag}`, productId: created.id })
    t.equal(all.nextBeforeId, null)
    const base = { limit: 10, productId: null, actor: tag, action: null, from: null, to: null, beforeId: null }
    t.equal((await store.audit.list(base)).items.length, 3, 'by actor')
    t.same((await store.audit.list({ ...base, action: 'update' })).items.map((e) => e.action), ['update'], 'by action')
    t.equal((await store.audit.list({ ...base, from: start, to: new Date(Date.now() + 1000) })).items.length, 3, 'in a time range')
    t.equal((await store.audit.list({ ...base, to: new Date(start.getTime() - 60_000) })).items.length, 0, 'before the range')
    const first = await store.audit.list({ ...base, limit: 2 })
    t.equal(first.items.length, 2)
    t.not(first.nextBeforeId, null)
    const rest = await store.audit.list({ ...base, limit: 2, beforeId: first.nextBeforeId })
    t.same(rest.items.map((e) => e.action), ['create'])
    t.equal(rest.nextBeforeId, null)
  })

  t.test('a failed bulk write leaves neither products nor audit entries', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    await t.rejects(store.products.createMany([input(`${tag} Good`), input(`${tag} Bad`, -5)], context(tag)))
    t.same((await store.products.list(query([tag]))).items, [])
    t.same((await store.audit.list({ limit: 10, productId: null, actor: tag, action: null, from: null, to: null, beforeId: null })).items, [])
  })

  t.test('createMany and deleteMany are all or nothing', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const created = okValue(await store.products.createMany([input(`${tag} A`, 1), input(`${tag} B`, 2), input(`${tag} C`, 3)], context(tag)))
    t.same(created.map((p) => p.title), [`${tag} A`, `${tag} B`, `${tag} C`], 'in input order')
    t.ok(created[0]!.id < created[1]!.id && created[1]!.id < created[2]!.id, 'ids ascending')
    const ids = created.map((p) => p.id)
    const missing = Math.max(...ids) + 1_000_000
    t.same(await store.products.deleteMany([ids[0]!, missing], context(tag)), { status: 'unknown-ids', ids: [missing] })
    t.equal((await store.products.list(query([tag]))).items.length, 3, 'nothing deleted')
    t.same(await store.products.deleteMany([...ids, ids[0]!], context(tag)), { status: 'ok', deleted: 3 })
    t.same((await store.products.list(query([tag]))).items, [])
    const audit = await store.audit.list({ limit: 10, productId: null, actor: tag, action: null, from: null, to: null, beforeId: null })
    t.same(audit.items.map((e) => e.action).sort(), ['bulk-create', 'bulk-create', 'bulk-create', 'bulk-delete', 'bulk-delete', 'bulk-delete'])
  })

  t.test('keyset paging visits every product once, in order, for every sort and direction', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const names = ['b', 'B', 'a', 'É', 'e', 'z', 'Zed', 'b', 'éa', 'A', 'ü', 'b']
    const products = okValue(await store.products.createMany(names.map((n, i) => input(`${tag} ${n}`, (i % 4) * 100)), context(tag)))
    // createMany shares one timestamp: updatedAt ties are broken by id; vary some anyway.
    for (const product of products.slice(0, 4)) await store.products.update(product.id, { image: 'https://example.test/q.png' }, context(tag))
    const current = (await store.products.list(query([tag]))).items
    t.equal(current.length, names.length)
    for (const field of ['id', 'title', 'price', 'createdAt', 'updatedAt'] as const) {
      for (const descending of [false, true]) {
        const expected = [...current]
          .sort((a, b) => compare(sortKey(a, field), sortKey(b, field)) || a.id - b.id)
          .map((p) => p.id)
        if (descending) expected.reverse()
        const seen: number[] = []
        let after: ProductQuery['after'] = null
        for (let pages = 0; pages < 20; pages++) {
          const page = await store.products.list(query([tag], { limit: 5, sort: { field, descending }, after }))
          seen.push(...page.items.map((p) => p.id))
          after = page.next
          if (after === null) break
        }
        t.same(seen, expected, `${field} ${descending ? 'descending' : 'ascending'}`)
      }
    }
  })

  t.test('a cursor value of the other type: numbers order before text', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const ids = okValue(await store.products.createMany([input(`${tag} a`, 5), input(`${tag} b`, 6)], context(tag))).map((p) => p.id)
    const page = async (field: ProductSortField, descending: boolean, value: string | number) =>
      (await store.products.list(query([tag], { sort: { field, descending }, after: { value, id: 0 } }))).items.map((p) => p.id)
    t.same(await page('price', false, 'text'), [], 'ascending after text: nothing')
    t.same(await page('price', true, 'text'), [ids[1], ids[0]], 'descending below text: everything')
    t.same(await page('title', false, 12), ids, 'ascending after a number: everything')
    t.same(await page('title', true, 12), [], 'descending below a number: nothing')
    t.same(await page('createdAt', false, Number.MAX_SAFE_INTEGER), [], 'a huge timestamp is just past the end')
  })

  t.test('search: every word, case-insensitive, Unicode, wildcards taken literally', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const titles = ['Éclair au chocolat', 'ÉCLAIR', 'éclair vanille', 'Tarte', '100% pur', 'a_b', 'ab']
    okValue(await store.products.createMany(titles.map((title) => input(`${title} ${tag}`)), context(tag)))
    const found = async (words: string[]) => (await store.products.list(query([...words, tag]))).items.map((p) => p.title.replace(` ${tag}`, '')).sort()
    t.same(await found(['éclair']), ['Éclair au chocolat', 'éclair vanille', 'ÉCLAIR'].sort())
    t.same(await found(['éclair', 'chocolat']), ['Éclair au chocolat'])
    t.same(await found(['clai', 'anil']), ['éclair vanille'], 'words are substrings')
    t.same(await found(['%']), ['100% pur'])
    t.same(await found(['a_b']), ['a_b'])
    t.same(await found(['_']), ['a_b'])
    t.same(await found(['nothing']), [])
    t.same(await found(['a\u0000b']), [], 'a word with NUL matches nothing')
    t.equal((await found([])).length, titles.length)
  })

  t.test('price filters are inclusive bounds', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    okValue(await store.products.createMany([0, 100, 250, 999, 9999999].map((price) => input(`${tag} p`, price)), context(tag)))
    const prices = async (min: number | null, max: number | null) =>
      (await store.products.list(query([tag], { minPriceCents: min, maxPriceCents: max, sort: { field: 'price', descending: false } }))).items.map((p) => p.priceCents)
    t.same(await prices(100, null), [100, 250, 999, 9999999])
    t.same(await prices(null, 250), [0, 100, 250])
    t.same(await prices(100, 999), [100, 250, 999])
    t.same(await prices(300, 200), [])
  })

  t.test('streamAll yields every product in id order', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const created = okValue(await store.products.createMany(['x', 'y', 'z'].map((n) => input(`${tag} ${n}`)), context(tag)))
    const ids: number[] = []
    for await (const product of store.products.streamAll()) ids.push(product.id)
    t.same(ids, [...ids].sort((a, b) => a - b), 'ascending')
    t.equal(new Set(ids).size, ids.length, 'no repeats')
    t.same(ids.filter((id) => created.some((p) => p.id === id)), created.map((p) => p.id))
  })

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

  t.test('revocations: by subject and token id, everywhere, generation, purge', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const later = new Date(Date.now() + 3_600_000)
    const g0 = store.revocations.generation()
    await store.revocations.revokeToken(`${tag}|a`, 'jti-1', later)
    t.not(store.revocations.generation(), g0, 'a revocation moves the generation')
    t.equal(await store.revocations.isRevoked(`${tag}|a`, 'jti-1', 100), true)
    t.equal(await store.revocations.isRevoked(`${tag}|b`, 'jti-1', 100), false, 'another subject with the same jti is not revoked')
    t.equal(await store.revocations.isRevoked(`${tag}|a`, 'jti-2', 100), false)
    await store.revocations.revokeToken(`${tag}|b`, 'jti-1', later)
    await store.revocations.revokeToken(`${tag}|b`, 'jti-1', later)
    t.equal(await store.revocations.isRevoked(`${tag}|b`, 'jti-1', 100), true, 'both subjects revoked; a repeat is harmless')

    await store.revocations.revokeSubject(`${tag}|c`, 1000)
    await store.revocations.revokeSubject(`${tag}|c`, 500)
    t.equal(await store.revocations.isRevoked(`${tag}|c`, 'any', 999), true)
    t.equal(await store.revocations.isRevoked(`${tag}|c`, 'any', 1000), true, 'issued at the logout second')
    t.equal(await store.revocations.isRevoked(`${tag}|c`, 'any', 1001), false, 'issued after; an earlier logout does not move it back')
    t.equal(await store.revocations.isRevoked(`${tag}|c`, 'any', null), true, 'a token without iat counts as older')
    t.equal(await store.revocations.isRevoked(`${tag}|d`, 'any', null), false)

    await store.revocations.revokeToken(`${tag}|e`, 'old', new Date(Date.now() - 1000))
    t.equal(await store.revocations.purgeExpired(new Date()), 1, 'only the expired one')
    t.equal(await store.revocations.isRevoked(`${tag}|e`, 'old', 100), false)
    t.equal(await store.revocations.isRevoked(`${tag}|a`, 'jti-1', 100), true)
  })

  t.test('idempotent writes: record in the same transaction, duplicate outcome, expiry', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const write = idempotent<Product>(tag, 'k1')
    const product = okValue(await store.products.create(input(`${tag} Once`), context(tag), write))
    const record = await store.idempotency.find(tag, 'k1', write.since)
    t.same(record, { requestHash: 'hash-k1', response: write.respond(product), createdAt: write.now })
    const again = await store.products.create(input(`${tag} Twice`), context(tag), idempotent(tag, 'k1', { requestHash: 'other' }))
    t.same(again, { status: 'duplicate', record })
    t.same((await store.products.list(query([tag]))).items.map((p) => p.id), [product.id], 'nothing written')
    t.equal((await store.audit.list({ limit: 10, productId: null, actor: tag, action: null, from: null, to: null, beforeId: null })).items.length, 1)
    t.equal(await store.idempotency.find(`${tag}-other`, 'k1', write.since), null, 'keys belong to a subject')

    const expiredSince = new Date(write.now.getTime() + 1)
    t.equal(await store.idempotency.find(tag, 'k1', expiredSince), null, 'older than since is not live')
    const fresh = await store.products.create(input(`${tag} Fresh`), context(tag), idempotent(tag, 'k1', { since: expiredSince, now: new Date(expiredSince.getTime() + 1) }))
    t.equal(fresh.status, 'ok', 'an expired record does not block the key')

    const many = idempotent<Product[]>(tag, 'k2')
    t.equal((await store.products.createMany([input(`${tag} M1`), input(`${tag} M2`)], context(tag), many)).status, 'ok')
    t.equal((await store.products.createMany([input(`${tag} M3`)], context(tag), idempotent(tag, 'k2'))).status, 'duplicate')
    t.equal((await store.products.list(query([tag]))).items.length, 4)
  })

  t.test('two concurrent creates with one key make exactly one product', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => store.products.create(input(`${tag} Race`), context(tag), idempotent(tag, 'race'))))
    const ok = outcomes.filter((o) => o.status === 'ok')
    t.equal(ok.length, 1, 'one write')
    t.equal(outcomes.filter((o) => o.status === 'duplicate').length, 3, 'the others are duplicates')
    t.equal((await store.products.list(query([tag]))).items.length, 1, 'exactly one product')
    const record = await store.idempotency.find(tag, 'race', new Date(0))
    for (const outcome of outcomes) if (outcome.status === 'duplicate') t.same(outcome.record, record)
  })

  t.test('purgeBefore deletes the records older than its date', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const old = new Date('2001-01-01T00:00:00.000Z')
    for (const key of ['o1', 'o2']) {
      await store.products.create(input(`${tag} Old`), context(tag), idempotent(tag, key, { now: old, since: new Date(0) }))
    }
    await store.products.create(input(`${tag} New`), context(tag), idempotent(tag, 'n1'))
    t.equal(await store.idempotency.purgeBefore(new Date('2002-01-01T00:00:00.000Z')), 2)
    t.equal(await store.idempotency.find(tag, 'o1', new Date(0)), null)
    t.not(await store.idempotency.find(tag, 'n1', new Date(0)), null)
  })

  t.test('change feed: commit order, one entry per product at its latest state, tombstones', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const start = (await syncToEnd(store, null)).next
    // One after another: concurrent creates may commit in another order than their ids'.
    const created: Product[] = []
    for (const n of ['A', 'B', 'C']) created.push(okValue(await store.products.create(input(`${tag} ${n}`), context(tag))))
    const [a, b, c] = created
    const ours = new Set([a!.id, b!.id, c!.id])
    const mine = (items: ProductChange[]) => items.filter((change) => ours.has(changeId(change)))
    const firstThree = await syncUntil(store, start, (items) => mine(items).length === 3)
    t.same(mine(firstThree.items).map(changeId), [a!.id, b!.id, c!.id], 'creates in commit order')
    const updated = okValue(await store.products.update(a!.id, { priceCents: 4242 }, context(tag)))
    await store.products.delete(b!.id, context(tag))
    const later = await syncUntil(store, firstThree.next, (items) => mine(items).length === 2)
    t.same(mine(later.items), [
      { deleted: false, product: updated },
      { deleted: true, id: b!.id, at: (mine(later.items)[1] as { at: Date }).at }
    ], 'only what changed since, in order: the update, then the tombstone')
    const tombstone = mine(later.items)[1]
    t.ok(tombstone?.deleted === true && tombstone.at.getTime() <= Date.now(), 'the tombstone says when')

    const fromStart = await syncUntil(store, start, (items) => mine(items).length === 3)
    t.same(mine(fromStart.items).map((change) => (change.deleted ? `-${change.id}` : `${change.product.id}.${change.product.version}`)),
      [`${c!.id}.1`, `${a!.id}.2`, `-${b!.id}`], 'a product changed twice appears once, at its latest change')
    t.same(mine((await syncToEnd(store, later.next)).items), [], 'nothing new: an empty page')
    const again = await store.products.changes(later.next, 10)
    t.equal(again.status, 'ok', 'the cursor of an empty page still works')
  })

  t.test('change feed: bulk import and bulk delete appear; paging with a small limit loses nothing', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const start = (await syncToEnd(store, null)).next
    const created = okValue(await store.products.createMany(['a', 'b', 'c', 'd', 'e'].map((n) => input(`${tag} ${n}`)), context(tag)))
    const ids = created.map((product) => product.id)
    const mine = (items: ProductChange[]) => items.filter((change) => ids.includes(changeId(change)))
    let position: ChangePosition = start
    const seen: ProductChange[] = []
    const deadline = Date.now() + 10_000
    while (mine(seen).length < 5 && Date.now() < deadline) {
      const outcome = await store.products.changes(position, 2)
      if (outcome.status !== 'ok') throw new Error(outcome.status)
      t.ok(outcome.page.items.length <= 2, 'a page holds at most limit items')
      seen.push(...outcome.page.items)
      position = outcome.page.next
    }
    t.same(mine(seen), created.map((product) => ({ deleted: false, product })), 'every imported product, in order')
    t.same(await store.products.deleteMany(ids.slice(0, 3), context(tag)), { status: 'ok', deleted: 3 })
    const after = await syncUntil(store, position, (items) => mine(items).length === 3)
    t.same(mine(after.items).map((change) => [change.deleted, changeId(change)]), ids.slice(0, 3).map((id) => [true, id]), 'a tombstone for each')
  })

  t.test('change feed: purged tombstones expire older positions; the beginning never expires', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const kept = okValue(await store.products.create(input(`${tag} Kept`), context(tag)))
    const gone = okValue(await store.products.create(input(`${tag} Gone`), context(tag)))
    const before = (await syncUntil(store, null, (items) => items.some((change) => changeId(change) === gone.id))).next
    t.equal(await store.products.purgeTombstones(new Date(Date.now() + 1000)) >= 0, true)
    t.equal((await store.products.changes(before, 10)).status, 'ok', 'nothing purged after this position yet')
    await store.products.delete(gone.id, context(tag))
    t.equal(await store.products.purgeTombstones(new Date(Date.now() - 60_000)), 0, 'a fresh tombstone is kept')
    t.ok(await store.products.purgeTombstones(new Date(Date.now() + 1000)) >= 1, 'an old one is purged')
    t.same(await store.products.changes(before, 10), { status: 'expired' }, 'a position before the purged tombstone expired')
    const fresh = await syncToEnd(store, null)
    t.ok(fresh.items.some((change) => !change.deleted && change.product.id === kept.id), 'the beginning still has the catalogue')
    t.notOk(fresh.items.some((change) => changeId(change) === gone.id), 'and not the purged product')
    t.equal((await store.products.changes(fresh.next, 10)).status, 'ok', 'a new position works')
    t.same(await store.products.changes({ nonsense: 'x' }, 10), { status: 'invalid-position' }, 'a position it did not make')
  })

  t.test('change feed under concurrent writers: a syncing reader misses nothing and sees nothing twice', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    let position = (await syncToEnd(store, null)).next
    const view = new Map<number, Product | null>()
    const seen = new Set<string>()
    let repeats = 0
    const apply = (items: ProductChange[]) => {
      for (const change of items) {
        const key = change.deleted ? `${change.id}:deleted` : `${change.product.id}:${change.product.version}`
        if (seen.has(key)) repeats++
        seen.add(key)
        view.set(changeId(change), change.deleted ? null : change.product)
      }
    }
    const writing = { on: true }
    const reader = (async () => {
      while (writing.on) {
        const outcome = await store.products.changes(position, 7)
        if (outcome.status !== 'ok') throw new Error(outcome.status)
        apply(outcome.page.items)
        position = outcome.page.next
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    const writer = async (w: number) => {
      const mine: number[] = []
      for (let i = 0; i < 20; i++) {
        const roll = (w * 31 + i * 17) % 10
        if (mine.length === 0 || roll < 4) {
          mine.push(okValue(await store.products.create(input(`${tag} w${w} ${i}`), context(tag))).id)
        } else if (roll < 8) {
          await store.products.update(mine[i % mine.length]!, { priceCents: i }, context(tag))
        } else if (roll < 9) {
          await store.products.delete(mine.pop()!, context(tag))
        } else {
          const bulk = okValue(await store.products.createMany([input(`${tag} bulk ${w}.${i}a`), input(`${tag} bulk ${w}.${i}b`)], context(tag)))
          mine.push(...bulk.map((product) => product.id))
          await store.products.deleteMany([mine.shift()!], context(tag))
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)))
    writing.on = false
    await reader
    const table = new Map((await store.products.list(query([tag], { limit: 1000 }))).items.map((product) => [product.id, product]))
    const matches = () => {
      const shown = [...view].filter(([id, product]) => product !== null || table.has(id))
      return [...table].every(([id, product]) => JSON.stringify(view.get(id)) === JSON.stringify(product)) &&
        shown.every(([id, product]) => product === null ? !table.has(id) : table.has(id))
    }
    const deadline = Date.now() + 10_000
    for (;;) {
      const read = await syncToEnd(store, position, 7)
      apply(read.items)
      position = read.next
      if (matches() || Date.now() > deadline) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    for (const [id, product] of table) t.same(view.get(id), product, `product ${id}: the reader's view is the table`)
    const ghosts = [...view].filter(([id, product]) => product !== null && product.title.startsWith(tag) && !table.has(id))
    t.same(ghosts, [], 'every deleted product was seen deleted')
    t.equal(repeats, 0, 'no change seen twice')
    t.ok(table.size > 10, 'the writers left products behind')
  })
}
