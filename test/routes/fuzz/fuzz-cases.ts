import fc from 'fast-check'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { bearer } from '../../helpers/app.js'
import { loadCommittedSpec } from '../../helpers/contract.js'
import type { TestIssuer } from '../../helpers/issuer.js'

/*
 * What the fuzz suites beside this file share: the operations, the arbitraries, and the checks
 * every response must pass. Property-based fuzzing of every operation in the committed openapi/openapi.json against
 * the real app (in-memory SQLite, a local issuer). The operations are read from the spec,
 * so a new route is fuzzed as soon as it is documented. startApp also checks every response
 * against the spec (test/helpers/contract.ts). FUZZ_SEED=<n> replays a run; FUZZ_RUNS scales it.
 */

// Rate limits (where the app has them) must not turn fuzz cases into 429s.
export const NO_RATE_LIMITS = { RATE_LIMIT_READS: '1000000', RATE_LIMIT_WRITES: '1000000', RATE_LIMIT_AUTH_FAILURES: '1000000' }
const SCALE = Number(process.env.FUZZ_RUNS ?? '1')
export const runs = (n: number) => Math.max(1, Math.round(n * SCALE))
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED)
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const
const READ_METHODS = new Set(['GET', 'HEAD'])
export const MIB = 1024 * 1024

// ---------------------------------------------------------------------------------------
// The operations, from the spec.

interface SpecParameter { name: string; in: string }
interface SpecOperation {
  parameters?: SpecParameter[]
  requestBody?: { content?: Record<string, unknown> }
  security?: unknown[]
}
export interface Operation {
  method: string
  template: string
  pathParams: string[]
  queryParams: string[]
  headerParams: string[]
  bodyTypes: string[]
}

const spec = loadCommittedSpec()
export const operations: Operation[] = []
for (const [template, item] of Object.entries(spec.paths ?? {})) {
  const shared = ((item as { parameters?: SpecParameter[] }).parameters) ?? []
  for (const method of HTTP_METHODS) {
    const operation = item[method] as SpecOperation | undefined
    if (!operation) continue
    const parameters = [...shared, ...(operation.parameters ?? [])]
    const named = (where: string) => [...new Set(parameters.filter((p) => p.in === where).map((p) => p.name))]
    operations.push({
      method: method.toUpperCase(),
      template,
      pathParams: [...new Set([...named('path'), ...[...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string)])],
      queryParams: named('query'),
      headerParams: named('header'),
      bodyTypes: Object.keys(operation.requestBody?.content ?? {})
    })
  }
}
export const writeOperations = operations.filter((op) => !READ_METHODS.has(op.method))
const knownQueryNames = [...new Set(operations.flatMap((op) => op.queryParams))]
const knownHeaderNames = [...new Set(operations.flatMap((op) => op.headerParams))]
const knownBodyTypes = [...new Set(operations.flatMap((op) => op.bodyTypes))]

// ---------------------------------------------------------------------------------------
// Arbitraries.

/** Percent-encodes anything, lone surrogates included (as the UTF-8 of U+FFFD). */
function encode (text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join('')
  }
}

const anyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 })
)
const hostileText = fc.constantFrom(
  '', ' ', '..', '.', '/', '\\', '\u0000', '%00', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  'null', 'undefined', 'NaN', '-NaN', 'Infinity', '-Infinity', '-0', '1e308', '1e309', '0x10', '0b1', '1_000', '١٢٣',
  '\u202e', '\ufeff', '\ud800', '\udfff', '\u2028', '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE products; --',
  // eslint-disable-next-line no-template-curly-in-string -- a template-injection probe, on purpose
  '%s%n%x', '${7*7}', '{{7*7}}', '../../etc/passwd', 'C:\\Windows\\system.ini', 'a'.repeat(255), 'é'.repeat(300)
)
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('0', '1', '-1', '20', '100', '101', '1.5', '10.00', '99999.99', '100000', '9007199254740991', '9007199254740992', '1e3', '-0')
)
const cursorLike = fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url'))
const enumLike = fc.constantFrom('id', '-id', 'title', '-price', 'price', 'createdAt', '-updatedAt', 'csv', 'ndjson', 'xml',
  'create', 'update', 'delete', 'auth0|admin-1', '2024-01-01T00:00:00Z', '2024-13-45T99:99:99Z', 'not-a-date', 'true')

const pathSegment = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('0', '-1', '-0', '1.5', '1e3', '0x10', ' 1', '1 ', '+1', '01', '1,2', '9007199254740991',
      '9007199254740992', '99999999999999999999', 'NaN', 'Infinity', 'null', 'true', '[]', '{}', 'auth0%7Cuser-1', 'auth0|admin-1')
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%2E%2E%2F', '..%2f..%2fetc%2fpasswd', '%00', '%2F', '%', '%zz', '%E0%A4%A',
      '%C0%AE', '%ff', '%u0041', '%252e', '%0a', '%0d%0a', '%20', '~', '*', ';', '@', ':', '$', '&', '=')
  },
  { weight: 3, arbitrary: fc.oneof(anyText, hostileText).map(encode) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((n) => '9'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 }).map((n) => encode('é'.repeat(n))) }
)

interface QueryPart { key: string; value: string; mode: 'encoded' | 'raw' | 'bare' }
const queryKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...knownQueryNames, 'limit', 'cursor') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', '__proto__[x]', 'limit[]', 'limit[0]', 'a.b', '', ' ', 'LIMIT') },
  { weight: 1, arbitrary: anyText }
)
const queryValue = fc.oneof(anyText, hostileText, numberText, cursorLike, enumLike,
  fc.constantFrom('%', '%%', '%zz', '%00', '%E0%A4%A', '+', '&', '=', '#', '?', '%26', '%3D'),
  fc.integer({ min: 150, max: 2000 }).map((n) => 'x'.repeat(n)))
const queryPart: fc.Arbitrary<QueryPart> = fc.record({ key: queryKey, value: queryValue, mode: fc.constantFrom('encoded', 'encoded', 'raw', 'bare') })
const queryArb = fc.record({
  parts: fc.array(queryPart, { maxLength: 8 }),
  tail: fc.option(fc.constantFrom('&', '&&', '=', '==&', '%', '#fragment', '?', '&=x'), { nil: undefined })
})

function queryString (query: { parts: QueryPart[]; tail: string | undefined }): string {
  const text = query.parts.map(({ key, value, mode }) => {
    if (mode === 'bare') return encode(key)
    if (mode === 'raw') return `${key}=${value}`
    return `${encode(key)}=${encode(value)}`
  }).join('&') + (query.tail ?? '')
  return text === '' ? '' : `?${text}`
}

// Header values as a client can send them: visible ASCII, spaces and tabs.
const headerText = fc.string({ unit: fc.constantFrom(...' \t!"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~'.split('')), maxLength: 60 })
const headerValue = fc.oneof(
  headerText,
  fc.constantFrom('*', '"1-1"', '"1-2"', 'W/"1-1"', '"1-1", "2-1"', '', ' ', ',', '"', 'a'.repeat(300), 'key-1', 'key-2'),
  fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5 })).map(([id, version]) => `"${id}-${version}"`)
)

// Raw JSON text, so that what JSON.stringify cannot say (-0, 1e309, duplicate and __proto__ keys) is sent too.
const rawNumber = fc.oneof(
  fc.constantFrom('-0', '0', '0.0', '-0.0', '1e308', '1e309', '-1e309', '1E2', '1.005', '0.1e1', '1e-7', '5e-324', '-1',
    '99999.99', '99999.990', '99999.995', '100000', '10.00', '10.10', '0.29', '4.35', '1.1', '123456789012345678901234567890'),
  fc.double().map((d) => JSON.stringify(d)),
  fc.integer().map(String),
  fc.integer({ min: 0, max: 9_999_999 }).map((cents) => String(cents / 100))
)
const rawScalar = fc.oneof(
  rawNumber,
  fc.oneof(anyText, hostileText, numberText).map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '[]', '{}', '"NaN"', '"Infinity"', '"-0"', '"1e2"', '" 1.00"', '"1.00 "', '"١٢.٣٤"', '"1.00\\u0000"',
    '"https://example.com/a.jpg"', '"javascript:alert(1)"', '"http://"', '"HTTPS://EXAMPLE.COM/A"', '"https://exa mple.com"',
    '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '[1,2,3]', '[1,1,1]', '[0]', '[-1]'),
  fc.webUrl().map((url) => JSON.stringify(url)),
  fc.array(fc.integer({ min: -2, max: 45 }), { maxLength: 6 }).map((ids) => JSON.stringify(ids))
)
const bodyKey = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('title', 'price', 'image', 'ids', 'everywhere') },
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'id', 'createdAt', 'updatedAt', 'version', '', 'title ', 'TITLE', 'isAdmin') },
  { weight: 1, arbitrary: anyText }
)
const rawValue: fc.Arbitrary<string> = fc.letrec<{ value: string; object: string; array: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, rawScalar, tie('object'), tie('array')),
  object: fc.array(fc.tuple(bodyKey, tie('value')), { maxLength: 5 })
    .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`),
  array: fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`)
})).value

const validTitle = fc.oneof(fc.constant('Fuzz'), fc.string({ minLength: 1, maxLength: 50 }).filter((s) => /^\s*\S/.test(s) && s.trim().length <= 50))
const validEntries = fc.record({
  title: validTitle.map((s) => JSON.stringify(s)),
  price: fc.oneof(fc.constant('"1.00"'), rawNumber, fc.integer({ min: 0, max: 9_999_999 }).map((c) => `"${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}"`)),
  image: fc.oneof(fc.constant('"https://example.com/a.jpg"'), fc.webUrl().map((url) => JSON.stringify(url)))
})
// Product-like objects: some of the real fields, plus hostile extras, in random order, possibly repeated.
const productish = fc.record({
  base: validEntries,
  keep: fc.subarray(['title', 'price', 'image'] as const),
  extra: fc.array(fc.tuple(bodyKey, rawValue), { maxLength: 3 })
}).chain(({ base, keep, extra }) => fc.shuffledSubarray([...keep.map((key) => [key, base[key]] as [string, string]), ...extra], { minLength: keep.length + extra.length })
  .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`))

const deepNesting = fc.record({
  depth: fc.oneof(fc.integer({ min: 10, max: 2000 }), fc.integer({ min: 2000, max: 200_000 })),
  kind: fc.constantFrom('array', 'object', 'proto', 'unclosed')
}).map(({ depth, kind }) => {
  if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth)
  if (kind === 'object') return '{"title":'.repeat(depth) + '1' + '}'.repeat(depth)
  if (kind === 'proto') return '{"__proto__":'.repeat(depth) + '{}' + '}'.repeat(depth)
  return '['.repeat(depth)
})

const hugeString = fc.record({
  bytes: fc.oneof(fc.integer({ min: 1000, max: MIB - 200 }), fc.integer({ min: MIB - 200, max: MIB + 200 }), fc.integer({ min: MIB, max: 4 * MIB + 100 })),
  char: fc.constantFrom('a', ' ', 'é', '😀', '"', '\\', '\u0000', '\ud800'),
  field: fc.constantFrom('title', 'image', 'price', 'junk')
}).map(({ bytes, char, field }) => {
  const perChar = Buffer.byteLength(JSON.stringify(char)) - 2
  const filler = char.repeat(Math.max(1, Math.floor(bytes / Math.max(1, perChar))))
  return `{"title":"Fuzz","price":"1.00","image":"https://example.com/a.jpg",${JSON.stringify(field)}:${JSON.stringify(filler)}}`
})

const notJson = fc.oneof(
  fc.constantFrom('', ' ', '{', '}', '{"title":', '{"a":1,}', "{'a':1}", 'NaN', 'undefined', '\ufeff{}', '{}garbage', '[]]', '"unterminated',
    '{"a":1}{"b":2}', '\u0000', '{"title":"\\uD800"}', '{"title":"\\x41"}', '0x10', 'title=a&price=1'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).chain((value) => {
    const text = JSON.stringify(value) ?? 'null'
    return fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((cut) => text.slice(0, cut))
  })
)

// Bulk formats (documented request types of the bulk route); harmless elsewhere.
const csvCell = fc.oneof(anyText, hostileText, fc.constantFrom('"', '""', '"a,b"', '1.00', 'https://example.com/a.jpg', '=cmd|calc', '\r\n'))
const textBody = fc.oneof(
  fc.array(productish, { maxLength: 5 }).map((lines) => lines.join('\n')),
  fc.record({
    header: fc.constantFrom('title,price,image', 'image,title,price', 'title,price', 'title,price,image,extra', '', '\ufefftitle,price,image'),
    rows: fc.array(fc.array(csvCell, { maxLength: 4 }), { maxLength: 5 })
  }).map(({ header, rows }) => [header, ...rows.map((row) => row.join(','))].join('\r\n')),
  fc.integer({ min: 1000, max: 1100 }).map((n) => ['title,price,image', ...Array.from({ length: n }, (_, i) => `P${i},1.00,https://e.com/${i}`)].join('\n'))
)

const bodyArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: productish },
  { weight: 2, arbitrary: fc.array(productish, { maxLength: 4 }).map((items) => `[${items.join(',')}]`) },
  { weight: 3, arbitrary: rawValue },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: notJson },
  { weight: 1, arbitrary: textBody }
)
const contentTypeArb = (op: Operation) => fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...op.bodyTypes, 'application/json') },
  { weight: 2, arbitrary: fc.constantFrom(...knownBodyTypes) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16',
      'APPLICATION/JSON', 'application/json;charset=', 'application/xml', 'text/csv; charset=latin1', '*/*', 'application/json, text/plain',
      'application/merge-patch+json', 'application/problem+json', 'application/x-ndjson; charset=utf-8', 'text/csv;header=present', 'json', '')
  },
  { weight: 1, arbitrary: fc.constant(undefined) }
)

export type Auth = 'anonymous' | 'user' | 'admin' | 'garbage'
export interface Case {
  op: Operation
  auth: Auth
  garbageAuth: string
  params: Record<string, string>
  query: { parts: QueryPart[]; tail: string | undefined }
  headers: Record<string, string>
  body: string | undefined
  contentType: string | undefined
}

export const authArb = fc.constantFrom<Auth>('anonymous', 'user', 'admin', 'admin', 'garbage')
const garbageAuthArb = fc.oneof(headerText, fc.constantFrom('Bearer', 'Bearer ', 'Bearer a.b.c', 'Basic YTpi', 'bearer  x.y.z', 'Bearer eyJ.eyJ.', 'Bearer ' + 'a'.repeat(9000)))

export function caseArb (ops: Operation[], auth: fc.Arbitrary<Auth>): fc.Arbitrary<Case> {
  return fc.constantFrom(...ops).chain((op) => fc.record({
    op: fc.constant(op),
    auth,
    garbageAuth: garbageAuthArb,
    params: fc.record(Object.fromEntries(op.pathParams.map((name) => [name, pathSegment]))) as fc.Arbitrary<Record<string, string>>,
    query: queryArb,
    headers: fc.dictionary(fc.constantFrom(...op.headerParams, ...knownHeaderNames, 'if-none-match', 'accept', 'x-request-id', 'origin', 'accept-encoding'), headerValue, { maxKeys: 3 }),
    body: READ_METHODS.has(op.method) || op.bodyTypes.length === 0
      ? fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: bodyArb })
      : bodyArb,
    contentType: contentTypeArb(op)
  }))
}

// ---------------------------------------------------------------------------------------
// Running a case and what every response must satisfy.

let tokenSerial = 0
/** A fresh token per case: a fuzzed POST /logout (or {"everywhere": true}) then only revokes itself. */
function tokenFor (issuer: TestIssuer, c: Case): string | undefined {
  const serial = ++tokenSerial
  if (c.auth === 'admin') return issuer.adminToken({ sub: `auth0|fuzz-admin-${serial}`, jti: `fuzz-${serial}` })
  if (c.auth === 'user') return issuer.userToken({ sub: `auth0|fuzz-user-${serial}`, jti: `fuzz-${serial}` })
  return undefined
}

export function requestOf (issuer: TestIssuer, c: Case): InjectOptions & { url: string } {
  const path = c.op.template.replace(/\{([^}]+)\}/g, (_m, name: string) => c.params[name] ?? '1')
  const headers: Record<string, string> = { ...c.headers }
  const token = tokenFor(issuer, c)
  if (token) headers.authorization = `Bearer ${token}`
  else if (c.auth === 'garbage') headers.authorization = c.garbageAuth
  if (c.body !== undefined && c.contentType !== undefined) headers['content-type'] = c.contentType
  return {
    method: c.op.method as InjectOptions['method'],
    url: path + queryString(c.query),
    headers,
    ...(c.body === undefined ? {} : { payload: c.body })
  }
}

export function describe (request: InjectOptions & { url: string }, res: LightMyRequestResponse): string {
  const clip = (text: string | undefined, n: number) => (text === undefined ? '' : text.length > n ? `${text.slice(0, n)}...(${text.length} chars)` : text)
  const { authorization, ...headers } = (request.headers ?? {}) as Record<string, string>
  return `${request.method} ${clip(request.url, 300)} headers=${JSON.stringify(headers)}${authorization ? ' (with Authorization)' : ''} ` +
    `body=${JSON.stringify(clip(request.payload as string | undefined, 300))} -> ${res.statusCode} ${String(res.headers['content-type'])} ${clip(res.body, 400)}`
}

/** No 5xx; every 4xx is problem+json with type, title, status (= the HTTP status) and detail. */
export function assertWellFormed (request: InjectOptions & { url: string }, res: LightMyRequestResponse): void {
  if (res.statusCode >= 500) throw new Error(`5xx: ${describe(request, res)}`)
  if (res.statusCode < 400) return
  const type = String(res.headers['content-type'] ?? '')
  if (!/^application\/problem\+json(;|$)/.test(type)) throw new Error(`4xx without application/problem+json: ${describe(request, res)}`)
  let problem: Record<string, unknown>
  try {
    problem = JSON.parse(res.body) as Record<string, unknown>
  } catch {
    throw new Error(`4xx whose body is not JSON: ${describe(request, res)}`)
  }
  for (const field of ['type', 'title', 'detail']) {
    if (typeof problem[field] !== 'string') throw new Error(`4xx problem without a string ${field}: ${describe(request, res)}`)
  }
  if (problem.status !== res.statusCode) throw new Error(`4xx problem whose status is not the HTTP status: ${describe(request, res)}`)
}

export interface Stats { cases: number; requests: number; byStatus: Map<number, number> }
export function newStats (): Stats {
  return { cases: 0, requests: 0, byStatus: new Map() }
}

export async function send (app: FastifyInstance, s: Stats, request: InjectOptions & { url: string }): Promise<LightMyRequestResponse> {
  const res = await app.inject(request)
  s.requests++
  s.byStatus.set(res.statusCode, (s.byStatus.get(res.statusCode) ?? 0) + 1)
  return res
}

/** Every product, paging through GET /products?limit=100 (bounded). */
export async function snapshot (app: FastifyInstance, s: Stats): Promise<{ text: string; count: number }> {
  const items: unknown[] = []
  let cursor: string | null = null
  for (let page = 0; page < 100; page++) {
    const res = await send(app, s, { method: 'GET', url: `/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` })
    if (res.statusCode !== 200) throw new Error(`snapshot: GET /products answered ${res.statusCode}: ${res.body.slice(0, 300)}`)
    const body = res.json() as { items: unknown[]; nextCursor: string | null }
    items.push(...body.items)
    cursor = body.nextCursor
    if (!cursor) break
  }
  return { text: JSON.stringify(items), count: items.length }
}

export async function seed (app: FastifyInstance, issuer: TestIssuer, s: Stats, count: number): Promise<void> {
  const headers = bearer(issuer.adminToken({ sub: 'auth0|fuzz-seeder' }))
  for (let i = 0; i < count; i++) {
    const res = await send(app, s, { method: 'POST', url: '/products', headers, payload: { title: `Seed ${i}`, price: `${i}.99`, image: `https://example.com/${i}.jpg` } })
    if (res.statusCode !== 201) throw new Error(`seeding failed: ${res.statusCode} ${res.body}`)
  }
}

export async function check<T> (t: Test, name: string, property: fc.IAsyncProperty<[T]>, numRuns: number): Promise<void> {
  const details = await fc.check(property, { numRuns, ...(SEED === undefined ? {} : { seed: SEED }) })
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? 'failed'
    t.fail(`${name}: ${report.length > 6000 ? `${report.slice(0, 6000)}...` : report}`)
  } else {
    t.pass(`${name}: ${details.numRuns} cases (seed ${details.seed})`)
  }
}

export function statusSummary (s: Stats): string {
  return [...s.byStatus].sort(([a], [b]) => a - b).map(([status, n]) => `${status}x${n}`).join(' ')
}
