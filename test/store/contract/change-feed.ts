import type { Test } from 'tap'
import type { ChangePosition, Product, ProductChange, Store } from '../../../src/store/types.js'
import { tagged, context, input, query, okValue, type StoreFor } from './helpers.js'

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

/** The change feed: commit order, tombstones, expiry, concurrent writers. */
export function changeFeedContract (t: Test, storeFor: StoreFor): void {
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
}

/** The change feed over time: purged tombstones expire older positions. */
export function changeFeedRetentionContract (t: Test, storeFor: StoreFor): void {
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
}

/** The change feed under concurrent writers. */
export function changeFeedConcurrencyContract (t: Test, storeFor: StoreFor): void {
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
