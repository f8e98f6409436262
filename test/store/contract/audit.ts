import type { Test } from 'tap'
import { tagged, context, input, okValue, type StoreFor } from './helpers.js'

/** The audit trail: one entry per change, with domain snapshots; filters and paging. */
export function auditContract (t: Test, storeFor: StoreFor): void {
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
}
