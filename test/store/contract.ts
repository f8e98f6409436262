import type { Test } from 'tap'
import type { IdempotentWrite, Store } from '../../src/store/types.js'
import { auditContract } from './contract/audit.js'
import { changeFeedConcurrencyContract, changeFeedContract, changeFeedRetentionContract } from './contract/change-feed.js'
import { context, input, type OpenStore, okValue, query, tagged } from './contract/helpers.js'
import { productBulkContract, productContract, productListContract } from './contract/products.js'
import { revocationContract } from './contract/revocations.js'
import { userContract } from './contract/users.js'

export type { OpenStore } from './contract/helpers.js'

function idempotent (sub: string, key: string, overrides: Partial<IdempotentWrite> = {}): IdempotentWrite {
  return {
    sub,
    key,
    requestHash: `hash-${key}`,
    now: new Date(),
    since: new Date(Date.now() - 86_400_000),
    ...overrides
  }
}

/** Runs the storage contract, one repository after the other, against the stores `open` returns. */
export function storeContract (t: Test, open: OpenStore): void {
  async function storeFor (t: Test): Promise<Store> {
    const store = await open()
    t.teardown(() => store.close())
    return store
  }

  productContract(t, storeFor)
  productBulkContract(t, storeFor)
  productListContract(t, storeFor)
  auditContract(t, storeFor)
  userContract(t, storeFor)
  revocationContract(t, storeFor)
  changeFeedContract(t, storeFor)
  changeFeedRetentionContract(t, storeFor)
  changeFeedConcurrencyContract(t, storeFor)

  t.test('idempotent writes: record in the same transaction, duplicate outcome, expiry', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const write = idempotent(tag, 'k1')
    const product = okValue(await store.products.create(input(`${tag} Once`), context(tag), write))
    const record = await store.idempotency.find(tag, 'k1', write.since)
    t.same(record, { requestHash: 'hash-k1', result: product, createdAt: write.now }, 'the record holds the created product, Dates and all')
    const again = await store.products.create(input(`${tag} Twice`), context(tag), idempotent(tag, 'k1', { requestHash: 'other' }))
    t.same(again, { status: 'duplicate', record })
    t.same((await store.products.list(query([tag]))).items.map((p) => p.id), [product.id], 'nothing written')
    t.equal((await store.audit.list({ limit: 10, productId: null, actor: tag, action: null, from: null, to: null, beforeId: null })).items.length, 1)
    t.equal(await store.idempotency.find(`${tag}-other`, 'k1', write.since), null, 'keys belong to a subject')

    const expiredSince = new Date(write.now.getTime() + 1)
    t.equal(await store.idempotency.find(tag, 'k1', expiredSince), null, 'older than since is not live')
    const fresh = await store.products.create(input(`${tag} Fresh`), context(tag), idempotent(tag, 'k1', { since: expiredSince, now: new Date(expiredSince.getTime() + 1) }))
    t.equal(fresh.status, 'ok', 'an expired record does not block the key')

    const many = idempotent(tag, 'k2')
    const created = okValue(await store.products.createMany([input(`${tag} M1`), input(`${tag} M2`)], context(tag), many))
    t.same((await store.idempotency.find(tag, 'k2', many.since))?.result, created, 'a bulk record holds every product created')
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
}
