/**
 * Driving autocannon: one measured run of a scenario against one server, and rounds that
 * interleave the API with its baselines, combined into medians and paired ratios.
 */
import autocannon from 'autocannon'
import type { Child } from './children.js'
import { TICK_US, cpuTicks, type RssSampler } from './proc-stats.js'
import type { BaselineKind } from './server-process.js'
import { runWrk } from './wrk.js'

export interface Load {
  /** Requests cycled through by every connection; setupRequest makes them rotate. */
  requests: autocannon.Request[]
  /** Overrides --connections / --pipelining (slow requests would otherwise queue for minutes). */
  connections?: number
  pipelining?: number
}

export interface LoadSettings {
  generator: 'autocannon' | 'wrk'
  connections: number
  pipelining: number
  warmup: number
  duration: number
  rounds: number
}

export interface Measured {
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  timeouts: number
  total: number
  statusCodes: Record<string, number>
}

/** `before`: the server built from an earlier revision (--before). */
export type Kind = 'api' | 'before' | BaselineKind

/** A paired ratio: the API's req/s over a baseline's, median of the rounds' own ratios. */
export interface Ratio {
  baselineKey: string
  baselineRps: number
  ratio: number
  roundRatios: number[]
  /** The baseline's median server CPU per response (µs), beside the API's own `cpuUs`. */
  baselineCpuUs?: number
}

export interface RowHead {
  key: string
  name: string
  kind: Kind
  read: boolean
}

export interface Row extends RowHead, Partial<Measured> {
  /**
   * Against each baseline (a, b and the floor c), for the API's paired rows and the earlier
   * build's; the API's `before` is after/before.
   */
  vs?: Partial<Record<BaselineKind | 'before', Ratio>>
  /**
   * The server's CPU time (user + system) per response during the measurement, in µs: what
   * each request costs the server, whatever the load generator or a neighbour is doing.
   */
  cpuUs?: number
  /** The median round's p99, beside `p99` (the worst round's). */
  p99Median?: number
  peakRssMB?: number
  /** Lines the server logged during the measurement. */
  logLines?: number
  skipped?: string
  warning?: string
  /** Each round's figures, when the scenario ran in rounds. */
  rounds?: Array<Partial<Pick<Measured, 'rps' | 'p50' | 'p99'>> & { cpuUs?: number }>
}

/** A server to load: its URL, the processes to watch and, when sampled, its memory and log. */
export interface Target {
  url: string
  child: Child
  rss?: RssSampler
}

async function cannon (url: string, load: Load, seconds: number, settings: LoadSettings): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({
      url,
      connections: load.connections ?? settings.connections,
      pipelining: load.pipelining ?? settings.pipelining,
      duration: seconds,
      timeout: 10,
      requests: load.requests
    }, (error, result) => (error ? reject(error) : resolve(result)))
  })
}

function measured (result: autocannon.Result): Measured {
  const statusCodes: Record<string, number> = {}
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
    statusCodes
  }
}

/** One measured (or warm-up) run with the chosen load generator. */
async function generate (url: string, load: Load, seconds: number, settings: LoadSettings): Promise<Measured> {
  if (settings.generator === 'autocannon') return measured(await cannon(url, load, seconds, settings))
  return runWrk(url, load, seconds, load.connections ?? settings.connections)
}

/** One request the way autocannon would send it, to see that the scenario answers 2xx at all. */
async function preflight (url: string, load: Load): Promise<string | null> {
  const first = load.requests[0]
  if (!first) return 'no request'
  const request = typeof first.setupRequest === 'function' ? first.setupRequest({ ...first, headers: { ...first.headers } }, {}) : first
  try {
    const response = await fetch(`${url}${request.path ?? '/'}`, {
      method: request.method ?? 'GET',
      headers: request.headers as Record<string, string> | undefined,
      body: request.body === undefined ? undefined : String(request.body),
      signal: AbortSignal.timeout(10_000)
    })
    const text = await response.text()
    return response.status >= 200 && response.status < 300 ? null : `${response.status} ${text.slice(0, 300)}`
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/**
 * Waits until the processes are idle (under ~10% CPU for 200 ms, at most 15 s): requests a
 * run left queued in a server must not spill into the next measurement.
 */
async function quiesce (pids: number[]): Promise<void> {
  const deadline = Date.now() + 15_000
  let before = pids.map(cpuTicks)
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    const now = pids.map(cpuTicks)
    const busy = now.some((ticks, i) => ticks !== null && before[i] !== null && ticks - before[i]! > 2)
    if (!busy) return
    before = now
  }
}

export function fmt (value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

function warningFor (problem: string | null, result: Measured): string | undefined {
  if (problem) return `the first request answered ${problem}`
  if (result.total === 0) return 'no response completed during the measurement (the server was too slow or still busy with an earlier backlog)'
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    return `status codes ${JSON.stringify(result.statusCodes)}, ${result.errors} errors, ${result.timeouts} timeouts`
  }
  return undefined
}

/** Warm-up, then one measurement of `load` against `target`; `watch` must all stay alive. */
export async function runScenario (row: RowHead, target: Target, load: Load, settings: LoadSettings, watch: Child[]): Promise<Row> {
  process.stdout.write(`  ${row.name} ...`)
  const pids = watch.map((child) => child.pid)
  await quiesce(pids)
  const problem = await preflight(target.url, load)
  if (settings.warmup > 0) {
    await generate(target.url, load, settings.warmup, settings)
    await quiesce(pids)
  }
  const peak = target.rss?.scenario()
  const linesBefore = target.child.lines()
  const ticksBefore = cpuTicks(target.child.pid)
  const result = await generate(target.url, load, settings.duration, settings)
  const ticksAfter = cpuTicks(target.child.pid)
  for (const child of watch) {
    if (child.done) throw new Error(`${child.name} died during "${row.name}"; its output:\n${child.output()}`)
  }
  const done: Row = { ...row, ...result, logLines: target.child.lines() - linesBefore }
  if (peak) done.peakRssMB = peak()
  if (ticksBefore !== null && ticksAfter !== null && result.total > 0) done.cpuUs = (ticksAfter - ticksBefore) * TICK_US / result.total
  const warning = warningFor(problem, result)
  if (warning) done.warning = warning
  process.stdout.write(
    ` ${fmt(result.rps, 0)} req/s, p50 ${fmt(result.p50, 1)} ms, p99 ${fmt(result.p99, 1)} ms, ${fmt(done.cpuUs, 1)} µs CPU/req` +
      `${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}${row.kind === 'api' && done.logLines ? `, ${done.logLines} API log lines` : ''}\n`
  )
  if (done.warning) process.stdout.write(`    warning: ${done.warning}\n`)
  return done
}

export function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** One row for several rounds of a scenario: median req/s and p50, the worst p99, every count summed. */
function combineRounds (head: RowHead, rounds: Row[]): Row {
  if (rounds.length === 1) return { ...rounds[0]!, name: head.name }
  const numbers = (pick: (round: Row) => number | undefined) => rounds.map(pick).filter((value): value is number => value !== undefined)
  const sum = (pick: (round: Row) => number | undefined) => numbers(pick).reduce((total, value) => total + value, 0)
  const statusCodes: Record<string, number> = {}
  for (const round of rounds) {
    for (const [code, count] of Object.entries(round.statusCodes ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + count
  }
  const warnings = rounds.map((round) => round.warning).filter(Boolean)
  const peaks = numbers((round) => round.peakRssMB)
  const cpu = numbers((round) => round.cpuUs)
  return {
    ...head,
    rps: median(numbers((round) => round.rps)),
    p50: median(numbers((round) => round.p50)),
    p99: Math.max(...numbers((round) => round.p99)),
    p99Median: median(numbers((round) => round.p99)),
    ...(cpu.length ? { cpuUs: median(cpu) } : {}),
    non2xx: sum((round) => round.non2xx),
    errors: sum((round) => round.errors),
    timeouts: sum((round) => round.timeouts),
    total: sum((round) => round.total),
    statusCodes,
    rounds: rounds.map((round) => ({ rps: round.rps, p50: round.p50, p99: round.p99, cpuUs: round.cpuUs })),
    ...(peaks.length ? { peakRssMB: Math.max(...peaks) } : {}),
    logLines: sum((round) => round.logLines),
    ...(warnings.length ? { warning: warnings.join('; ') } : {})
  }
}

/** Each API round over the baseline round of the same turn; their median is the ratio. */
function pairedRatio (apiRounds: Row[], baseRounds: Row[], base: Row): Ratio | undefined {
  const roundRatios = apiRounds.map((round, index) => (round.rps ?? 0) / (baseRounds[index]?.rps || Number.NaN))
  if (!base.rps || !roundRatios.every(Number.isFinite)) return undefined
  return { baselineKey: base.key, baselineRps: base.rps, ratio: median(roundRatios), roundRatios, baselineCpuUs: base.cpuUs }
}

export interface Contender {
  head: RowHead
  target: Target
}

/**
 * The API and its baselines take turns, round after round, each turn starting one further
 * along (API, a, b; a, b, API; b, API, a; ...), so that the machine's drift from minute to
 * minute falls on all of them alike. Returns the other rows, then the API's; the API's row
 * (and an earlier build's, --before) carries its paired ratios against every other server.
 */
export async function interleaved (api: Contender, baselines: Contender[], load: Load, settings: LoadSettings, watch: Child[]): Promise<Row[]> {
  const contenders = [api, ...baselines]
  const rounds: Row[][] = contenders.map(() => [])
  for (let round = 0; round < settings.rounds; round++) {
    const tag = settings.rounds > 1 ? ` [round ${round + 1}/${settings.rounds}]` : ''
    for (let turn = 0; turn < contenders.length; turn++) {
      const index = (turn + round) % contenders.length
      const { head, target } = contenders[index]!
      rounds[index]!.push(await runScenario({ ...head, name: head.name + tag }, target, load, settings, watch))
    }
  }
  const rows = contenders.map((contender, index) => combineRounds(contender.head, rounds[index]!))
  rows.forEach((row, index) => {
    if (row.kind !== 'api' && row.kind !== 'before') return
    const vs: NonNullable<Row['vs']> = {}
    rows.forEach((base, other) => {
      const ratio = other !== index && base.kind !== 'api' ? pairedRatio(rounds[index]!, rounds[other]!, base) : undefined
      if (ratio && base.kind !== 'api') vs[base.kind] = ratio
    })
    row.vs = vs
  })
  const [apiRow, ...others] = rows
  return [...others, apiRow!]
}
