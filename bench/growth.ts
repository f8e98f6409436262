/** `npm run bench:growth`: the read paths against 1k .. 1M products, one database per size. */
import { newTempDir, removeTempDir } from './children.js'
import { prepareDatabase } from './database.js'
import type { BenchIssuer } from './issuer.js'
import { fmt, type Load, type Row, type RowHead, runScenario } from './load.js'
import type { Settings } from './options.js'
import { machine, table, writeJson } from './report.js'
import { get, probeSearch, rotatingId, SEARCH_PATH } from './scenarios.js'
import type { SeedResult } from './seed.js'
import { startApi, stopApi } from './server-process.js'

interface DeepPaging {
  method: 'constructed' | 'followed' | 'unavailable'
  /** Products before the deep page (the page starts after this many rows). */
  depth: number
  cursor: string | null
  requestsToReach: number
  firstPageMedianMs: number
  deepPageMedianMs: number
  note?: string
}

interface SizeResult {
  size: number
  seed: SeedResult
  readyRssMB: number
  peakRssMB: number
  scenarios: Row[]
  deepPaging: DeepPaging
}

async function getJson (url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  const text = await response.text()
  try {
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> }
  } catch {
    return { status: response.status, body: {} }
  }
}

async function medianMs (url: string, times = 30): Promise<number> {
  const spent: number[] = []
  for (let i = 0; i < times; i++) {
    const started = performance.now()
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
    await response.arrayBuffer()
    spent.push(performance.now() - started)
  }
  spent.sort((a, b) => a - b)
  return spent[Math.floor(spent.length / 2)] ?? Number.NaN
}

/** The first page's cursor with every field holding its last id set to `depth`, if the API takes it. */
async function constructedCursor (url: string, first: { items: Array<{ id?: unknown }>; next: string }, depth: number): Promise<string | null> {
  let decoded: unknown = null
  try {
    decoded = JSON.parse(Buffer.from(first.next, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  const lastId = first.items[first.items.length - 1]?.id
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded) || typeof lastId !== 'number') return null
  const fields = Object.entries(decoded as Record<string, unknown>)
  if (!fields.some(([, value]) => value === lastId)) return null
  // Seeded ids are 1..size in order, so the row after `depth` rows has id depth + 1.
  const cursor = Buffer.from(JSON.stringify(Object.fromEntries(fields.map(([key, value]) => [key, value === lastId ? depth : value])))).toString('base64url')
  const check = await getJson(`${url}/products?limit=20&cursor=${cursor}`)
  const firstId = ((check.body.items ?? []) as Array<{ id?: unknown }>)[0]?.id
  return check.status === 200 && firstId === depth + 1 ? cursor : null
}

/**
 * A cursor for the page in the middle of the table: the API's opaque cursor (base64url JSON)
 * rewritten to the middle id and checked, else the cursors followed, 100 a page, for 60 s at most.
 */
async function deepCursor (url: string, size: number): Promise<Omit<DeepPaging, 'firstPageMedianMs' | 'deepPageMedianMs'>> {
  const depth = Math.floor(size / 2)
  const first = await getJson(`${url}/products?limit=20`)
  const items = (first.body.items ?? []) as Array<{ id?: unknown }>
  const next = first.body.nextCursor
  if (first.status !== 200 || typeof next !== 'string') {
    return { method: 'unavailable', depth: 0, cursor: null, requestsToReach: 1, note: `first page: status ${first.status}, nextCursor ${String(next)}` }
  }
  const constructed = await constructedCursor(url, { items, next }, depth)
  if (constructed) return { method: 'constructed', depth, cursor: constructed, requestsToReach: 2 }
  let cursor: string = next
  let seen = items.length
  let requests = 1
  const deadline = Date.now() + 60_000
  while (seen < depth && Date.now() < deadline) {
    const page = await getJson(`${url}/products?limit=100&cursor=${encodeURIComponent(cursor)}`)
    requests++
    if (page.status !== 200 || typeof page.body.nextCursor !== 'string') break
    seen += ((page.body.items ?? []) as unknown[]).length
    cursor = page.body.nextCursor
  }
  return { method: 'followed', depth: seen, cursor, requestsToReach: requests, ...(seen < depth ? { note: `stopped at ${seen} of ${depth}` } : {}) }
}

async function measureSize (size: number, issuer: BenchIssuer, settings: Settings): Promise<SizeResult> {
  const dir = newTempDir()
  process.stdout.write(`\n== ${size.toLocaleString('en-US')} products\n`)
  const { db, seed } = await prepareDatabase({ backend: settings.backend, dir, name: `growth-${size}`, products: size, issuer })
  process.stdout.write(`  seeded in ${(seed.ms / 1000).toFixed(1)} s${seed.bytes ? ` (${(seed.bytes / 1024 / 1024).toFixed(1)} MB)` : ''}\n`)
  const api = await startApi({ issuer, databaseUrl: db.url, label: `growth-${size}`, logLevel: settings.logLevel, profile: settings.profile })
  const rows: Row[] = []
  const scenario = async (head: Omit<RowHead, 'kind' | 'read'>, load: Load) => {
    rows.push(await runScenario({ ...head, kind: 'api', read: true }, { url: api.url, child: api.child, rss: api.rss }, load, settings, [api.child]))
  }
  await scenario({ key: 'listing', name: 'GET /products?limit=20' }, { requests: [get('/products?limit=20')] })
  await scenario({ key: 'get', name: 'GET /products/:id (random)' }, { requests: [rotatingId(size)] })
  const skipped = await probeSearch(api.url)
  if (skipped) rows.push({ key: 'search', name: `GET ${SEARCH_PATH}`, kind: 'api', read: true, skipped })
  else await scenario({ key: 'search', name: `GET ${SEARCH_PATH}` }, { requests: [get(SEARCH_PATH)] })
  const deep = await deepCursor(api.url, size)
  const deepPath = deep.cursor ? `/products?limit=20&cursor=${encodeURIComponent(deep.cursor)}` : null
  const paging: DeepPaging = {
    ...deep,
    firstPageMedianMs: await medianMs(`${api.url}/products?limit=20`),
    deepPageMedianMs: deepPath ? await medianMs(`${api.url}${deepPath}`) : Number.NaN
  }
  if (deepPath) {
    // 10 connections, no pipelining: a deep page can take tens of ms at 1M products.
    await scenario({ key: 'deep', name: `GET /products?limit=20&cursor=<after ${deep.depth}> (10 conn, no pipelining)` }, { requests: [get(deepPath)], connections: 10, pipelining: 1 })
  }
  process.stdout.write(
    `  deep paging (${paging.method}${paging.note ? `, ${paging.note}` : ''}): one request alone, median of 30: ` +
      `first page ${paging.firstPageMedianMs.toFixed(2)} ms, page after ${paging.depth} products ${paging.deepPageMedianMs.toFixed(2)} ms\n`
  )
  const peakRssMB = await stopApi(api)
  await db.drop()
  removeTempDir(dir)
  return { size, seed, readyRssMB: Number(api.readyRssMB.toFixed(1)), peakRssMB, scenarios: rows, deepPaging: paging }
}

function printTables (results: SizeResult[]): void {
  const lines = results.flatMap((result) => result.scenarios.map((row) => {
    const size = result.size.toLocaleString('en-US')
    return row.skipped
      ? [size, row.name, row.skipped, '', '', '', '']
      : [size, row.name, fmt(row.rps, 0), fmt(row.p50, 1), fmt(row.p99, 1), fmt(row.non2xx, 0), fmt(result.peakRssMB, 1)]
  }))
  process.stdout.write(`\n${table(['products', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'API peak RSS MB'], lines, (column) => column > 1)}\n\n`)
  process.stdout.write(`${table(
    ['products', 'seed s', 'db MB', 'cursor', 'first page ms (alone)', 'middle page ms (alone)', 'middle/first'],
    results.map(({ size, seed, deepPaging }) => [
      size.toLocaleString('en-US'),
      (seed.ms / 1000).toFixed(1),
      (seed.bytes / 1024 / 1024).toFixed(1),
      deepPaging.method,
      deepPaging.firstPageMedianMs.toFixed(2),
      deepPaging.deepPageMedianMs.toFixed(2),
      `${(deepPaging.deepPageMedianMs / deepPaging.firstPageMedianMs).toFixed(1)}x`
    ]),
    (column) => column !== 3
  )}\n`)
}

export async function growthRun (issuer: BenchIssuer, settings: Settings, buildWarning: string | null): Promise<void> {
  const results: SizeResult[] = []
  for (const size of settings.sizes) results.push(await measureSize(size, issuer, settings))
  printTables(results)
  const file = writeJson('growth.json', {
    machine: machine(),
    settings: {
      backend: settings.backend,
      sizes: settings.sizes,
      durationSeconds: settings.duration,
      warmupSeconds: settings.warmup,
      connections: settings.connections,
      pipelining: settings.pipelining,
      apiLogLevel: settings.logLevel,
      profile: settings.profile
    },
    buildWarning,
    results
  })
  process.stdout.write(`\nwritten ${file}\n`)
}
