import { ifMatch, productEtag } from '../lib/etag.js'
import { idempotencyPurgeCutoff } from '../lib/idempotency.js'
import type {
  AuditQuery,
  ChangeContext,
  ChangePosition,
  IdempotencyRecord,
  IdempotentWrite,
  Precondition,
  Product,
  ProductInput,
  ProductQuery,
  Store,
  StoredResponse,
  WriteOutcome
} from '../store/types.js'

/** An Idempotency-Key on a create: who, which key, which request, and the response to keep. */
export interface Idempotency<T> {
  sub: string
  key: string
  requestHash: string
  respond: (value: T) => StoredResponse
}

/** What a create came to. `response` is set when an Idempotency-Key stored it. */
export type CreateResult<T> =
  | { kind: 'created', value: T, response: StoredResponse | null }
  | { kind: 'replay', response: StoredResponse }
  | { kind: 'key-reused' }

/** What an update or delete came to. */
export type ChangeResult =
  | { kind: 'ok', product: Product }
  | { kind: 'not-found' }
  | { kind: 'stale', current: Product }

export type BulkDeleteResult =
  | { kind: 'ok', deleted: number }
  | { kind: 'unknown-ids', ids: number[] }

/** A live record answers the same request with its response and any other with a refusal. */
function replayOrRefuse (record: IdempotencyRecord, requestHash: string): CreateResult<never> {
  return record.requestHash === requestHash ? { kind: 'replay', response: record.response } : { kind: 'key-reused' }
}

/** If-Match (RFC 9110 13.1.1) as a rule over the current product, checked on the version the write changes. */
function ifMatchPrecondition (header: string | undefined): Precondition | undefined {
  return header === undefined ? undefined : (current) => ifMatch(header, productEtag(current)) === true
}

function changeResult (outcome: WriteOutcome<Product>): ChangeResult {
  switch (outcome.status) {
    case 'ok': return { kind: 'ok', product: outcome.value }
    case 'not-found': return { kind: 'not-found' }
    case 'precondition-failed': return { kind: 'stale', current: outcome.current }
    default: throw new Error(`unexpected outcome ${outcome.status} for a change`)
  }
}

/**
 * The product rules: writes with their audit entry, If-Match on changes, and Idempotency-Key on
 * creates. A key with a live record replays it (same request) or is refused (another one);
 * otherwise the write stores its response in its own transaction, so a crash leaves either
 * both or neither, and a racing twin that lost ('duplicate') is answered the same way.
 */
export function productService (store: Store) {
  const { products } = store

  async function idempotently<T> (
    idempotency: Idempotency<T> | null,
    write: (idempotent?: IdempotentWrite<T>) => Promise<WriteOutcome<T>>
  ): Promise<CreateResult<T>> {
    if (idempotency === null) return created(await write(), null)
    const now = new Date()
    const since = idempotencyPurgeCutoff(now.getTime())
    const live = await store.idempotency.find(idempotency.sub, idempotency.key, since)
    if (live) return replayOrRefuse(live, idempotency.requestHash)
    let response: StoredResponse | null = null
    const outcome = await write({
      ...idempotency,
      now,
      since,
      respond: (value) => (response = idempotency.respond(value))
    })
    if (outcome.status === 'duplicate') return replayOrRefuse(outcome.record, idempotency.requestHash)
    return created(outcome, response)
  }

  function created<T> (outcome: WriteOutcome<T>, response: StoredResponse | null): CreateResult<T> {
    if (outcome.status !== 'ok') throw new Error(`unexpected outcome ${outcome.status} for a create`)
    return { kind: 'created', value: outcome.value, response }
  }

  return {
    list: (query: ProductQuery) => products.list(query),
    get: (id: number) => products.get(id),
    /** Every product in id order, read lazily. */
    all: () => products.streamAll(),

    create: (input: ProductInput, context: ChangeContext, idempotency: Idempotency<Product> | null) =>
      idempotently(idempotency, (idempotent) => products.create(input, context, idempotent)),

    createMany: (inputs: ProductInput[], context: ChangeContext, idempotency: Idempotency<Product[]> | null) =>
      idempotently(idempotency, (idempotent) => products.createMany(inputs, context, idempotent)),

    /** `ifMatchHeader`, when sent, must name the current ETag (or be *), else the result is 'stale'. */
    async update (id: number, patch: Partial<ProductInput>, context: ChangeContext, ifMatchHeader: string | undefined): Promise<ChangeResult> {
      return changeResult(await products.update(id, patch, context, ifMatchPrecondition(ifMatchHeader)))
    },

    async delete (id: number, context: ChangeContext, ifMatchHeader: string | undefined): Promise<ChangeResult> {
      return changeResult(await products.delete(id, context, ifMatchPrecondition(ifMatchHeader)))
    },

    /** All or nothing: an unknown id deletes nothing. */
    async deleteMany (ids: number[], context: ChangeContext): Promise<BulkDeleteResult> {
      const outcome = await products.deleteMany(ids, context)
      return outcome.status === 'ok' ? { kind: 'ok', deleted: outcome.deleted } : { kind: 'unknown-ids', ids: outcome.ids }
    },

    /** The audit trail: who changed which product, when, from what to what. */
    changes: (query: AuditQuery) => store.audit.list(query),

    /** The change feed: what changed after `after` (null: the whole catalogue), in commit order. */
    feed: (after: ChangePosition | null, limit: number) => products.changes(after, limit)
  }
}

export type ProductService = ReturnType<typeof productService>
