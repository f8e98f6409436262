// The storage contract: the repository interfaces and the domain types they speak. Nothing
// here names a database; the adapters under sqlite/ and pg/ are the only code that does.

/** A product as the domain sees it: price in integer cents, timestamps as Dates. */
export interface Product {
  id: number
  title: string
  priceCents: number
  image: string
  createdAt: Date
  updatedAt: Date
  /** Increases with every change; ETags are made from it. */
  version: number
}

/** What a client may set; everything else belongs to the server. */
export interface ProductInput {
  title: string
  priceCents: number
  image: string
}

export type ProductSortField = 'id' | 'title' | 'price' | 'createdAt' | 'updatedAt'

export interface ProductSort {
  field: ProductSortField
  descending: boolean
}

/** Where a page starts: after the product with this sort value and id. */
export interface ProductPosition {
  value: string | number
  id: number
}

export interface ProductQuery {
  limit: number
  sort: ProductSort
  /** Lower-case words that must all appear in the title (case-insensitive, Unicode). */
  words: string[]
  minPriceCents: number | null
  maxPriceCents: number | null
  after: ProductPosition | null
}

export interface ProductPage {
  items: Product[]
  /** Where the next page starts, or null on the last page. */
  next: ProductPosition | null
}

/** Who changed what, recorded in the audit trail with the change. */
export interface ChangeContext {
  actor: string
  requestId: string
}

/**
 * A rule about the current product, checked on the very version the write then changes (inside
 * the write's transaction, or re-checked when that version was overtaken); false refuses the
 * write with 'precondition-failed'. Must be synchronous and pure: it may run more than once.
 */
export type Precondition = (current: Product) => boolean

/** What an idempotent write produced: the created product, or a bulk create's products. */
export type IdempotentResult = Product | Product[]

/** An Idempotency-Key's record: the domain result of its write, from which a retry is answered. */
export interface IdempotencyRecord {
  requestHash: string
  result: IdempotentResult
  createdAt: Date
}

/**
 * Makes a write idempotent: its record (the write's result) is inserted in the write's own
 * transaction, so a crash leaves either both or neither. When (sub, key) already has a live
 * record (not older than `since`), nothing is written and the outcome is 'duplicate' with it.
 */
export interface IdempotentWrite {
  sub: string
  key: string
  requestHash: string
  now: Date
  since: Date
}

export type WriteOutcome<T> =
  | { status: 'ok', value: T }
  | { status: 'not-found' }
  | { status: 'precondition-failed', current: Product }
  | { status: 'duplicate', record: IdempotencyRecord }

/** What a bulk delete found: every id deleted, or the ids that do not exist (nothing deleted). */
export type BulkDeleteOutcome =
  | { status: 'ok', deleted: number }
  | { status: 'unknown-ids', ids: number[] }

/**
 * Where a client is in the change feed. Opaque above the repositories: each adapter makes its
 * own and reads back only what it made (a foreign or forged one is 'invalid-position').
 */
export type ChangePosition = Readonly<Record<string, string | number>>

/** One product in the change feed: its current state, or a tombstone if it was deleted. */
export type ProductChange =
  | { deleted: false, product: Product }
  | { deleted: true, id: number, at: Date }

export interface ChangePage {
  /** In commit order; each product at most once, at its latest change. */
  items: ProductChange[]
  /** Always present: where the next read starts (past these items, or where this one did). */
  next: ChangePosition
}

export type ChangeOutcome =
  | { status: 'ok', page: ChangePage }
  /** The position is older than the oldest tombstone kept: the client must start again. */
  | { status: 'expired' }
  | { status: 'invalid-position' }

/**
 * Product storage. "Not found" is an outcome, never an exception. Every change writes its
 * audit entry in the same transaction.
 */
export interface ProductRepository {
  list(query: ProductQuery): Promise<ProductPage>
  get(id: number): Promise<Product | null>
  create(input: ProductInput, context: ChangeContext, idempotent?: IdempotentWrite): Promise<WriteOutcome<Product>>
  update(id: number, patch: Partial<ProductInput>, context: ChangeContext, precondition?: Precondition): Promise<WriteOutcome<Product>>
  /** The outcome's value is the product as it was before deletion. */
  delete(id: number, context: ChangeContext, precondition?: Precondition): Promise<WriteOutcome<Product>>
  /** All or nothing. */
  createMany(inputs: ProductInput[], context: ChangeContext, idempotent?: IdempotentWrite): Promise<WriteOutcome<Product[]>>
  /** All or nothing. */
  deleteMany(ids: number[], context: ChangeContext): Promise<BulkDeleteOutcome>
  /** Every product in id order, read lazily in short batches so the caller never holds them all. */
  streamAll(): AsyncIterable<Product>
  /**
   * What changed after `after` (null: from the beginning, i.e. the whole catalogue), in commit
   * order, served from an index. A change committed after this read sorts after its `next`.
   */
  changes(after: ChangePosition | null, limit: number): Promise<ChangeOutcome>
  /** Forgets tombstones of deletions before `before`; positions older than those expire. Returns how many. */
  purgeTombstones(before: Date): Promise<number>
}

export type AuditAction = 'create' | 'update' | 'delete' | 'bulk-create' | 'bulk-delete'

/** One change to one product, with the product as it was before and after (null when absent). */
export interface AuditEntry {
  id: number
  at: Date
  actor: string
  action: AuditAction
  productId: number
  before: Product | null
  after: Product | null
  requestId: string
}

export interface AuditQuery {
  limit: number
  productId: number | null
  actor: string | null
  action: AuditAction | null
  from: Date | null
  to: Date | null
  /** Entries come newest first; a page continues below this id. */
  beforeId: number | null
}

export interface AuditRepository {
  list(query: AuditQuery): Promise<{ items: AuditEntry[], nextBeforeId: number | null }>
}

export interface IdempotencyRepository {
  /** The live record of (sub, key), if any: not older than `since`. */
  find(sub: string, key: string, since: Date): Promise<IdempotencyRecord | null>
  purgeBefore(before: Date): Promise<number>
}

export interface RevocationRepository {
  /** Revokes one token of `sub` (by jti, or a hash of the token) until it expires. */
  revokeToken(sub: string, tokenId: string, expiresAt: Date): Promise<void>
  /** Revokes every token of `sub` issued at or before `issuedAtOrBefore` (seconds since the epoch). */
  revokeSubject(sub: string, issuedAtOrBefore: number): Promise<void>
  /** True when this token of `sub`, or every token of `sub` issued by its iat, was revoked. */
  isRevoked(sub: string, tokenId: string, issuedAt: number | null): Promise<boolean>
  /**
   * A number that moves on whenever a revocation may have been written, here at once, or by
   * another process on the same database within one second. A "not revoked" answer got while
   * it read N may be reused for as long as it still reads N.
   */
  generation(): number
  /** Deletes token revocations whose token has expired anyway; returns how many. */
  purgeExpired(now: Date): Promise<number>
}

export interface User {
  sub: string
  name: string | null
  email: string | null
  picture: string | null
  isAdmin: boolean
  firstSeenAt: Date
  lastSeenAt: Date
}

export interface UserProfile {
  name: string | null
  email: string | null
  picture: string | null
}

/** Where a page of users starts: after this (lastSeenAt, sub), in most-recently-seen-first order. */
export interface UserPosition {
  lastSeenAt: number
  sub: string
}

export interface UserRepository {
  /** Creates the record on a subject's first sight, else records when it was seen and as what. */
  recordSeen(sub: string, isAdmin: boolean, at: Date): Promise<void>
  updateProfile(sub: string, profile: UserProfile): Promise<void>
  get(sub: string): Promise<User | null>
  list(query: { limit: number, after: UserPosition | null }): Promise<{ items: User[], next: UserPosition | null }>
}

/** Everything the app needs from its storage backend, whichever database is behind it. */
export interface Store {
  products: ProductRepository
  users: UserRepository
  revocations: RevocationRepository
  audit: AuditRepository
  idempotency: IdempotencyRepository
  /** True when this open created the database (no migration had ever been applied). */
  readonly created: boolean
  /** True when the backend answers a trivial query. */
  ping(): Promise<boolean>
  close(): Promise<void>
}

/**
 * The database cannot serve this request now (unreachable, restarting, busy beyond its
 * timeout). Adapters translate their own errors into it; the HTTP layer answers 503.
 */
export class StoreUnavailable extends Error {
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailable'
  }
}
