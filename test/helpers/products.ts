import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type tap from 'tap'
import type { ProductJson } from '../../src/lib/product-json.js'
import { bearer, startApp, startIssuer } from './app.js'
import type { TestIssuer } from './issuer.js'

// What the product and audit route suites share: an app with lifted rate limits, an admin and a
// user, and readers that follow a listing's or the audit trail's cursors to the end.

export interface AuditJson {
  id: number
  at: string
  actor: string
  action: string
  productId: number
  before: ProductJson | null
  after: ProductJson | null
  requestId: string
}

export interface FieldErrorJson {
  in: string
  row?: number
  field: string
  message: string
}

export type Headers = Record<string, string>
export type Sort = 'id' | '-id' | 'title' | '-title' | 'price' | '-price' | 'createdAt' | '-createdAt' | 'updatedAt' | '-updatedAt'

export const SORTS: Sort[] = ['id', '-id', 'title', '-title', 'price', '-price', 'createdAt', '-createdAt', 'updatedAt', '-updatedAt']
export const IMAGE = 'https://example.com/p.jpg'
export const PROBLEM = 'application/problem+json; charset=utf-8'

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export function cents (price: string): number {
  const [whole = '0', fraction = '00'] = price.split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

/** The order each sort must give: the field, then id, both in the sort's direction. */
export function expectedOrder (products: Iterable<ProductJson>, sort: Sort): number[] {
  const descending = sort.startsWith('-')
  const field = descending ? sort.slice(1) : sort
  const key = (p: ProductJson): string | number => {
    switch (field) {
      case 'title': return p.title.toLowerCase()
      case 'price': return cents(p.price)
      case 'createdAt': return Date.parse(p.createdAt)
      case 'updatedAt': return Date.parse(p.updatedAt)
      default: return p.id
    }
  }
  return [...products]
    .sort((a, b) => {
      const ka = key(a)
      const kb = key(b)
      const byKey = ka < kb ? -1 : ka > kb ? 1 : 0
      const order = byKey !== 0 ? byKey : a.id - b.id
      return descending ? -order : order
    })
    .map((p) => p.id)
}

export function hasDuplicates (ids: number[]): boolean {
  return new Set(ids).size !== ids.length
}

export function names (response: LightMyRequestResponse, where = 'querystring'): string[] {
  const errors = (response.json() as { errors?: FieldErrorJson[] }).errors ?? []
  return errors.filter((error) => error.in === where).map((error) => error.field)
}

/** Follows nextCursor from the first page to the last; `between` runs after every page. */
export async function walk (
  app: FastifyInstance,
  query: string,
  between?: (page: number) => Promise<void>
): Promise<{ ids: number[]; pages: number; items: ProductJson[] }> {
  const items: ProductJson[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/products?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res = await app.inject({ method: 'GET', url })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    const body = res.json() as { items: ProductJson[]; nextCursor: string | null }
    items.push(...body.items)
    cursor = body.nextCursor
    pages++
    if (between) await between(pages)
  } while (cursor && pages < 1000)
  return { ids: items.map((item) => item.id), pages, items }
}

/** Every product's id, read through the listing with the largest page. */
export async function allIds (app: FastifyInstance): Promise<number[]> {
  return (await walk(app, 'limit=100')).ids
}

export async function auditAll (app: FastifyInstance, headers: Headers, query = ''): Promise<AuditJson[]> {
  const entries: AuditJson[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/admin/audit?limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const res = await app.inject({ method: 'GET', url, headers })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    const body = res.json() as { items: AuditJson[]; nextCursor: string | null }
    entries.push(...body.items)
    cursor = body.nextCursor
    pages++
  } while (cursor && pages < 1000)
  return entries
}

/** A subtest, as tap passes it (the last overload of t.test takes just the callback). */
export type Tap = Parameters<Parameters<typeof tap.test>[0]>[0]

export async function setup (t: Tap): Promise<{
  issuer: TestIssuer
  app: FastifyInstance
  admin: Headers
  user: Headers
}> {
  const issuer = await startIssuer(t)
  // Far more requests than a client would make in a minute: lift the rate limits.
  const app = await startApp(t, issuer, { RATE_LIMIT_READS: '1000000', RATE_LIMIT_WRITES: '1000000' })
  return { issuer, app, admin: bearer(issuer.adminToken()), user: bearer(issuer.userToken()) }
}

export async function createOne (app: FastifyInstance, admin: Headers, body: Record<string, unknown>, headers: Headers = {}): Promise<ProductJson> {
  const res = await app.inject({ method: 'POST', url: '/products', headers: { ...admin, ...headers }, payload: body })
  if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`)
  return res.json() as ProductJson
}

export async function bulkJson (app: FastifyInstance, admin: Headers, rows: unknown[], headers: Headers = {}): Promise<ProductJson[]> {
  const res = await app.inject({ method: 'POST', url: '/products/bulk', headers: { ...admin, ...headers }, payload: rows as object })
  if (res.statusCode !== 201) throw new Error(`bulk: ${res.statusCode} ${res.body}`)
  return (res.json() as { items: ProductJson[] }).items
}

// Titles with ties once lower-cased, mixed case, and non-ASCII letters that lower-case.
export const TITLE_STEMS = ['Apple', 'apple', 'APPLE pie', 'Banana', 'banana split', 'Cherry', 'Éclair', 'éclair', 'Zebra', 'zebra', 'Ωmega', 'Mango', 'mango', 'Kiwi', 'Straße']
export const PRICES = ['1.00', '9.99', '10.00', '10.50', '42.00', '0.00', '99999.99', '5.05', '20', '7.5']
