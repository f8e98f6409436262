import { createAjv } from '../lib/ajv.js'
import { type IfMatch, productEtag } from '../lib/etag.js'
import { fieldErrors } from '../lib/field-errors.js'
import { idempotencyPurgeCutoff } from '../lib/idempotency.js'
import { parsePrice } from '../lib/price.js'
import { MAX_BULK_ROWS } from '../schemas/bulk.js'
import { ProductCreate } from '../schemas/product.js'
import type {
  AuditQuery,
  BulkDeleteOutcome,
  ChangeContext,
  ChangePosition,
  IdempotencyRecord,
  IdempotentWrite,
  Precondition,
  Product,
  ProductInput,
  ProductPosition,
  ProductSort,
  Store,
  WriteOutcome
} from '../store/types.js'

export type { IfMatch }

const MAX_SEARCH_WORDS = 8
const PRICE_RULE = 'must be from 0.00 to 99999.99 with at most two decimals'

/** A product as a client describes it: the price as a decimal string or number, the title untrimmed. */
export interface ProductDraft {
  title: string
  price: string | number
  image: string
}

/** What is wrong with a field (in a bulk create, of which 1-based row). */
export interface FieldIssue {
  row?: number
  field: string
  message: string
}

export type Invalid = { status: 'invalid', errors: FieldIssue[] }

/** A listing as a client asks for it: search text and price bounds as sent. */
export interface ListRequest {
  limit: number
  sort: ProductSort
  q?: string | undefined
  minPrice?: string | undefined
  maxPrice?: string | undefined
  after: ProductPosition | null
}

/** An Idempotency-Key: whose, which, and what identifies the request it came with. */
export interface IdempotencyKey {
  sub: string
  key: string
  requestHash: string
}

/**
 * What a create came to. A retry with the same key and request is 'replayed' with the first
 * write's result; the same key with another request is 'key-reused'.
 */
export type CreateOutcome<T> =
  | { status: 'created', value: T }
  | { status: 'replayed', value: T }
  | { status: 'key-reused' }
  | Invalid

/** What an update or delete came to: the storage outcome, or the patch was not valid. */
export type ChangeOutcome = Exclude<WriteOutcome<Product>, { status: 'duplicate' }> | Invalid

const invalid = (...errors: FieldIssue[]): Invalid => ({ status: 'invalid', errors })

function priceCents (price: string | number): number | Invalid {
  return parsePrice(price) ?? invalid({ field: 'price', message: PRICE_RULE })
}

/** A draft as stored: the title trimmed, the price in exact cents. */
function toInput (draft: ProductDraft): ProductInput | Invalid {
  const cents = priceCents(draft.price)
  return typeof cents === 'number' ? { title: draft.title.trim(), priceCents: cents, image: draft.image } : cents
}

function toPatch (draft: Partial<ProductDraft>): Partial<ProductInput> | Invalid {
  const patch: Partial<ProductInput> = {}
  if (draft.title !== undefined) patch.title = draft.title.trim()
  if (draft.price !== undefined) {
    const cents = priceCents(draft.price)
    if (typeof cents !== 'number') return cents
    patch.priceCents = cents
  }
  if (draft.image !== undefined) patch.image = draft.image
  return patch
}

const isInvalid = (value: object): value is Invalid => 'status' in value && value.status === 'invalid'

/** Lower-case words that must all appear in the title, at most MAX_SEARCH_WORDS of them. */
function searchWords (q: string | undefined): string[] | Invalid {
  if (q === undefined) return []
  const words = [...new Set(q.toLowerCase().split(/\s+/).filter(Boolean))]
  return words.length > MAX_SEARCH_WORDS ? invalid({ field: 'q', message: `has more than ${MAX_SEARCH_WORDS} words` }) : words
}

/** The If-Match rule over the current product, checked on the version the write changes. */
function precondition (ifMatch: IfMatch | undefined): Precondition | undefined {
  if (ifMatch === undefined) return undefined
  return (current) => ifMatch.kind === 'any' || ifMatch.tags.includes(productEtag(current))
}

const validateRow = createAjv(false).compile<ProductDraft>(ProductCreate)

/** Bulk rows -> inputs, or every bad row's errors in row order (with those found while parsing). */
function bulkInputs (rows: unknown[], parseErrors: FieldIssue[]): ProductInput[] | Invalid {
  if (rows.length === 0) return invalid({ field: '', message: 'has no products' })
  if (rows.length > MAX_BULK_ROWS) return invalid({ field: '', message: `has ${rows.length} rows; at most ${MAX_BULK_ROWS} per request` })
  const errors = [...parseErrors]
  const failed = new Set(parseErrors.map((error) => error.row))
  const inputs: ProductInput[] = []
  rows.forEach((row, index) => {
    const number = index + 1
    if (failed.has(number)) return
    if (!validateRow(row)) {
      for (const { field, message } of fieldErrors('body', validateRow.errors ?? [])) errors.push({ row: number, field, message })
      return
    }
    const input = toInput(row)
    if (isInvalid(input)) errors.push(...input.errors.map((error) => ({ ...error, row: number })))
    else inputs.push(input)
  })
  if (errors.length === 0) return inputs
  return invalid(...errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)))
}

/**
 * The product rules: drafts to inputs, search and filters, If-Match on changes, bulk rows, and
 * Idempotency-Key on creates. A key with a live record replays it (same request) or is refused
 * (another one); otherwise the write stores its result in its own transaction, so a crash leaves
 * both or neither, and a racing twin that lost ('duplicate') is answered the same way.
 */
export function productService (store: Store) {
  const { products } = store

  async function idempotently<T extends Product | Product[]> (
    key: IdempotencyKey | null,
    write: (idempotent?: IdempotentWrite) => Promise<WriteOutcome<T>>
  ): Promise<CreateOutcome<T>> {
    if (key === null) return created(await write())
    const now = new Date()
    const since = idempotencyPurgeCutoff(now.getTime())
    const live = await store.idempotency.find(key.sub, key.key, since)
    if (live) return replayOrRefuse(live, key.requestHash)
    const outcome = await write({ ...key, now, since })
    return outcome.status === 'duplicate' ? replayOrRefuse(outcome.record, key.requestHash) : created(outcome)
  }

  return {
    async list (request: ListRequest) {
      const words = searchWords(request.q)
      if (isInvalid(words)) return words
      const minPriceCents = request.minPrice === undefined ? null : parsePrice(request.minPrice)
      const maxPriceCents = request.maxPrice === undefined ? null : parsePrice(request.maxPrice)
      if (minPriceCents !== null && maxPriceCents !== null && minPriceCents > maxPriceCents) {
        return invalid({ field: 'minPrice', message: 'must not be greater than maxPrice' })
      }
      const { limit, sort, after } = request
      return { status: 'ok' as const, page: await products.list({ limit, sort, words, minPriceCents, maxPriceCents, after }) }
    },
    get: (id: number) => products.get(id),
    /** Every product in id order, read lazily. */
    all: () => products.streamAll(),

    async create (draft: ProductDraft, context: ChangeContext, key: IdempotencyKey | null): Promise<CreateOutcome<Product>> {
      const input = toInput(draft)
      return isInvalid(input) ? input : idempotently(key, (idempotent) => products.create(input, context, idempotent))
    },

    /** All or nothing: rows as parsed (JSON values), with the errors their parsing found. */
    async createMany (rows: unknown[], parseErrors: FieldIssue[], context: ChangeContext, key: IdempotencyKey | null): Promise<CreateOutcome<Product[]>> {
      const inputs = bulkInputs(rows, parseErrors)
      return isInvalid(inputs) ? inputs : idempotently(key, (idempotent) => products.createMany(inputs, context, idempotent))
    },

    /** Changes the fields given; with `ifMatch`, only at a version it names ('precondition-failed' otherwise). */
    async update (id: number, draft: Partial<ProductDraft>, context: ChangeContext, ifMatch?: IfMatch): Promise<ChangeOutcome> {
      const patch = toPatch(draft)
      return isInvalid(patch) ? patch : unlessDuplicate(await products.update(id, patch, context, precondition(ifMatch)))
    },

    async delete (id: number, context: ChangeContext, ifMatch?: IfMatch): Promise<ChangeOutcome> {
      return unlessDuplicate(await products.delete(id, context, precondition(ifMatch)))
    },

    /** All or nothing: an unknown id deletes nothing. */
    deleteMany: (ids: number[], context: ChangeContext): Promise<BulkDeleteOutcome> => products.deleteMany(ids, context),

    /** The audit trail: who changed which product, when, from what to what. */
    changes: (query: AuditQuery) => store.audit.list(query),

    /** The change feed: what changed after `after` (null: the whole catalogue), in commit order. */
    feed: (after: ChangePosition | null, limit: number) => products.changes(after, limit)
  }
}

export type ProductService = ReturnType<typeof productService>

/** A live record answers the same request with its result and any other with a refusal. */
function replayOrRefuse<T> (record: IdempotencyRecord, requestHash: string): CreateOutcome<T> {
  // The request hash covers method and path, so a matching record was written by this same kind of create.
  return record.requestHash === requestHash ? { status: 'replayed', value: record.result as T } : { status: 'key-reused' }
}

function created<T> (outcome: WriteOutcome<T>): CreateOutcome<T> {
  if (outcome.status !== 'ok') throw new Error(`unexpected outcome ${outcome.status} for a create`)
  return { status: 'created', value: outcome.value }
}

// Only idempotent creates can meet a duplicate; an update or delete never does.
function unlessDuplicate (outcome: WriteOutcome<Product>): ChangeOutcome {
  if (outcome.status === 'duplicate') throw new Error('unexpected outcome duplicate for a change')
  return outcome
}
