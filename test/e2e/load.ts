import { performance } from 'node:perf_hooks'
import { queryPostgres } from '../helpers/services.js'

/** What became of one request sent through the balancer. */
export interface Outcome {
  kind: 'list' | 'create' | 'read'
  title?: string
  startedAt: number
  endedAt: number
  status?: number
  error?: string
  body?: string
}

export interface Load {
  outcomes: Outcome[]
  /** Asks the workers to stop after their current request; resolves once they have. */
  stop(): Promise<void>
}

const ok = (o: Outcome) => o.status !== undefined && o.status >= 200 && o.status < 300
export const failed = (o: Outcome) => !ok(o)

/** One line per failure, for an assertion's diff. */
export const describe = (o: Outcome, since = 0) =>
  `${o.kind} ${o.title ?? ''} ${o.status ?? o.error} started ${Math.round(o.startedAt - since)} ms, ended ${Math.round(o.endedAt - since)} ms ${o.body?.slice(0, 160) ?? ''}`

async function send (base: string, kind: Outcome['kind'], path: string, init: RequestInit, title?: string): Promise<Outcome> {
  const outcome: Outcome = { kind, startedAt: performance.now(), endedAt: 0, ...(title === undefined ? {} : { title }) }
  try {
    const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(15_000) })
    const text = await res.text()
    outcome.status = res.status
    if (res.status >= 300) outcome.body = text
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    outcome.error = cause?.code ?? (error as Error).name
  }
  outcome.endedAt = performance.now()
  return outcome
}

/**
 * A mixed read/write load through the balancer, over keep-alive connections: `workers` loops,
 * each sending a list, a create (a title unique to this run) and a read of one product in turn,
 * with a short pause, until stopped or `maxPerWorker` requests each. Bounded, loopback only.
 */
export function startLoad (base: string, token: string, run: string, options: { workers: number, maxPerWorker: number, pauseMs?: number }): Load {
  const outcomes: Outcome[] = []
  let stopping = false
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const worker = async (w: number) => {
    // eslint-disable-next-line no-unmodified-loop-condition -- set by stop(), across awaits
    for (let i = 0; i < options.maxPerWorker && !stopping; i++) {
      const step = i % 3
      let outcome: Outcome
      if (step === 0) {
        outcome = await send(base, 'list', '/products?limit=5', {})
      } else if (step === 1) {
        const title = `${run}-${w}-${i}`
        const body = JSON.stringify({ title, price: '3.25', image: `https://example.com/${w}/${i}.jpg` })
        outcome = await send(base, 'create', '/products', { method: 'POST', headers, body }, title)
      } else {
        outcome = await send(base, 'read', `/products/${1 + (i % 5)}`, {})
        // A product not created yet is a 404: an answer from a replica, not a failure.
        if (outcome.status === 404) outcome.status = 200
      }
      outcomes.push(outcome)
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 5))
    }
  }
  const running = Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)))
  return {
    outcomes,
    stop: async () => {
      stopping = true
      await running
    }
  }
}

/** The acknowledged creates not stored exactly once, and every title of this run stored twice or more. */
export async function storedOnce (database: string, run: string, outcomes: Outcome[]): Promise<{ notOnce: string[], duplicates: string[] }> {
  const rows = await queryPostgres<{ title: string, n: number }>(database,
    'SELECT title, count(*)::int AS n FROM products WHERE title LIKE $1 GROUP BY title', [`${run}-%`])
  const counts = new Map(rows.map((row) => [row.title, row.n]))
  const notOnce = outcomes.filter((o) => o.kind === 'create' && !failed(o))
    .map((o) => `${o.title}: stored ${counts.get(o.title ?? '') ?? 0} times`)
    .filter((line) => !line.endsWith(': stored 1 times'))
  const duplicates = rows.filter((row) => row.n > 1).map((row) => `${row.title}: ${row.n}`)
  return { notOnce, duplicates }
}
