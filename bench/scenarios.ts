/** What each scenario sends, and which scenarios are paired with the baselines. */
import type autocannon from 'autocannon'
import type { Load } from './load.js'
import { SEARCH_WORD } from './seed.js'

export const SCENARIO_KEYS = ['health', 'listing', 'get', 'search', 'me', 'me-10k', 'post', 'put', 'mix'] as const
export type ScenarioKey = (typeof SCENARIO_KEYS)[number]

export interface Tokens {
  admin: string
  rotating: string[]
}

export interface ScenarioContext {
  products: number
  tokens: Tokens
  subs: number
}

export interface Scenario {
  key: ScenarioKey
  name: string
  read: boolean
  /** What the baselines' rows are called, for the scenarios run against them. */
  baseline?: string
  load: Load
  /** Null when the API can run it, else why it is skipped. */
  probe?: (url: string) => Promise<string | null>
}

// Counters are module-wide, so rotation continues across warm-up, rounds and connections.
let rotation = 0
let written = 0

export function get (path: string, headers?: Record<string, string>): autocannon.Request {
  return { method: 'GET', path, ...(headers ? { headers } : {}) }
}

export function rotatingId (count: number): autocannon.Request {
  return {
    method: 'GET',
    path: '/products/1',
    setupRequest: (request) => {
      request.path = `/products/${1 + Math.floor(Math.random() * count)}`
      return request
    }
  }
}

function rotatingToken (path: string, tokens: string[]): autocannon.Request {
  return {
    method: 'GET',
    path,
    headers: { authorization: `Bearer ${tokens[0]}` },
    setupRequest: (request) => {
      request.headers = { authorization: `Bearer ${tokens[rotation++ % tokens.length]}` }
      return request
    }
  }
}

function newProductBody (): string {
  const n = ++written
  return JSON.stringify({
    title: `Bench product ${n}`,
    price: `${1 + (n % 9999)}.${String(n % 100).padStart(2, '0')}`,
    image: `https://example.com/bench/${n}.jpg`
  })
}

function createProduct (adminToken: string): autocannon.Request {
  return {
    method: 'POST',
    path: '/products',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: newProductBody(),
    setupRequest: (request) => {
      request.body = newProductBody()
      return request
    }
  }
}

function replaceProduct (adminToken: string, count: number): autocannon.Request {
  const next = (request: autocannon.Request) => {
    request.path = `/products/${1 + Math.floor(Math.random() * count)}`
    request.body = newProductBody()
    return request
  }
  return next({ method: 'PUT', path: '/products/1', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, setupRequest: next })
}

export const SEARCH_PATH = `/products?q=${SEARCH_WORD}&sort=-price&limit=20`

/** The search-and-sort scenario runs only where the API accepts `sort`. */
export async function probeSearch (url: string): Promise<string | null> {
  try {
    const response = await fetch(`${url}/products?sort=price`, { signal: AbortSignal.timeout(5000) })
    await response.body?.cancel()
    if (response.status === 200) return null
    if (response.status === 400) return 'skipped: search not available yet'
    return `skipped: GET /products?sort=price answered ${response.status}`
  } catch (error) {
    return `skipped: ${error instanceof Error ? error.message : String(error)}`
  }
}

/** 90% reads, 10% writes: each connection cycles through 5 listings, 4 gets and 1 write. */
function mix (context: ScenarioContext): autocannon.Request[] {
  const requests: autocannon.Request[] = []
  for (let i = 0; i < 9; i++) requests.push(i % 2 === 0 ? get('/products?limit=20') : rotatingId(context.products))
  requests.push(createProduct(context.tokens.admin))
  return requests
}

export function standardScenarios (context: ScenarioContext): Scenario[] {
  const { tokens } = context
  const count = tokens.rotating.length
  return [
    { key: 'health', name: 'GET /health', read: true, baseline: 'GET /health', load: { requests: [get('/health')] } },
    { key: 'listing', name: 'GET /products?limit=20 (anonymous)', read: true, baseline: '1 prepared stmt, 20 products', load: { requests: [get('/products?limit=20')] } },
    { key: 'get', name: `GET /products/:id (random of ${context.products})`, read: true, baseline: '1 prepared stmt, 1 product', load: { requests: [rotatingId(context.products)] } },
    { key: 'search', name: `GET ${SEARCH_PATH}`, read: true, load: { requests: [get(SEARCH_PATH)] }, probe: probeSearch },
    { key: 'me', name: 'GET /me, 1 admin token (cache hit)', read: true, baseline: 'fast-jwt, 1 token', load: { requests: [get('/me', { authorization: `Bearer ${tokens.admin}` })] } },
    { key: 'me-10k', name: `GET /me, ${count} tokens / ${context.subs} subs`, read: true, baseline: `fast-jwt, ${count} tokens`, load: { requests: [rotatingToken('/me', tokens.rotating)] } },
    { key: 'post', name: 'POST /products (admin)', read: false, load: { requests: [createProduct(tokens.admin)] } },
    { key: 'put', name: `PUT /products/:id (admin, random of ${context.products})`, read: false, load: { requests: [replaceProduct(tokens.admin, context.products)] } },
    { key: 'mix', name: 'mix: 90% GET (list/:id), 10% POST', read: false, load: { requests: mix(context) } }
  ]
}
