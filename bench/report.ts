/** The printed table, the targets and the JSON file of a run. */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { RESULTS } from './children.js'
import { fmt, type Ratio, type Row } from './load.js'
import type { Backend } from './database.js'
import type { Settings } from './options.js'
import type { ScenarioKey } from './scenarios.js'
import type { SeedResult } from './seed.js'

const loadAtStart = os.loadavg()

export function startLoadAverage (): number {
  return loadAtStart[0] ?? 0
}

export function machine () {
  const cpus = os.cpus()
  return {
    loadAverageAtStart: loadAtStart.map((load) => Number(load.toFixed(2))),
    loadAverageAtEnd: os.loadavg().map((load) => Number(load.toFixed(2))),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
    date: new Date().toISOString()
  }
}

export function table (header: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((cell, column) => (rightAligned(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ')
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

const ratioCell = (ratio: Ratio | undefined) => (ratio ? `${ratio.ratio.toFixed(2)}x` : '')

/** The table of every row; an after/before column when an earlier build ran (--before). */
export function scenarioTable (rows: Row[]): string {
  const before = rows.some((row) => row.vs?.before)
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'non-2xx', 'peak RSS MB', 'vs same policy (a)', 'vs bare parts (b)', 'vs no policy (c)']
  return table(
    before ? [...header, 'after/before'] : header,
    rows.map((row) => {
      const cells = row.skipped
        ? [row.name, row.skipped, '', '', '', '', '', '', '', '']
        : [row.name, fmt(row.rps, 0), fmt(row.p50, 1), fmt(row.p99, 1), fmt(row.cpuUs, 1), fmt(row.non2xx, 0), fmt(row.peakRssMB, 1), ratioCell(row.vs?.policy), ratioCell(row.vs?.bare), ratioCell(row.vs?.floor)]
      return before ? [...cells, ratioCell(row.vs?.before)] : cells
    }),
    (column) => column > 0
  )
}

export function writeJson (name: string, value: unknown): string {
  mkdirSync(RESULTS, { recursive: true })
  const file = join(RESULTS, name)
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
  return file
}

export interface Target {
  target: string
  result: 'PASS' | 'FAIL' | 'n/a'
  detail: string
}

type Baseline = 'policy' | 'bare'

const BASELINE_NAMES: Record<Baseline, string> = { policy: 'the same policy (a)', bare: 'the bare parts with the same policy (b)' }

function ratioTarget (row: Row | undefined, baseline: Baseline, minimum: number, name: string): Target {
  const label = `${name} >= ${minimum}x ${BASELINE_NAMES[baseline]}`
  const ratio = row?.vs?.[baseline]
  if (!row || !ratio) return { target: label, result: 'n/a', detail: 'not measured' }
  const tainted = (row.non2xx ?? 0) > 0 ? ` (with ${row.non2xx} non-2xx: not a valid measurement)` : ''
  const cpu = row.cpuUs !== undefined && ratio.baselineCpuUs !== undefined ? `; server CPU ${fmt(row.cpuUs, 1)} vs ${fmt(ratio.baselineCpuUs, 1)} µs per request` : ''
  const floor = baseline === 'bare' && row.vs?.floor ? `; against no policy at all (c) ${row.vs.floor.ratio.toFixed(2)}x` : ''
  return {
    target: label,
    result: ratio.ratio >= minimum && !tainted ? 'PASS' : 'FAIL',
    detail: `${ratio.ratio.toFixed(2)}x (median of the rounds' ratios ${ratio.roundRatios.map((r) => r.toFixed(2)).join(' ')}; medians ${fmt(row.rps, 0)} vs ${fmt(ratio.baselineRps, 0)} req/s${cpu}${floor})${tainted}`
  }
}

// The targets as the issues set them: performance round two for SQLite, scale-out for PostgreSQL.
const BARE_TARGETS: Record<Backend, Partial<Record<ScenarioKey, number>>> = {
  sqlite: { health: 0.85, listing: 0.85, get: 0.9, me: 0.9, 'me-10k': 0.9 },
  pg: { listing: 0.8 }
}

const WRITE_TARGETS: Record<Backend, number> = { sqlite: 3000, pg: 1000 }

function ratioTargets (api: Map<string, Row>, backend: Backend): Target[] {
  const targets: Target[] = []
  for (const row of api.values()) {
    if (!row.read || !row.vs) continue
    if (backend === 'sqlite') targets.push(ratioTarget(row, 'policy', 1, row.name))
    const bare = BARE_TARGETS[backend][row.key as ScenarioKey]
    if (bare !== undefined) targets.push(ratioTarget(row, 'bare', bare, row.name))
  }
  return targets
}

const tail = (row: Row) => `p50 ${fmt(row.p50, 1)} ms, p99 ${fmt(row.p99Median ?? row.p99, 1)} ms (${((row.p99Median ?? row.p99!) / Math.max(row.p50!, 0.001)).toFixed(2)}x)`

/**
 * Per scenario, the median round's p99 (a single run's own p99 when there is one round), as
 * req/s and p50 are the rounds' medians. The worst round's, and the baselines' tails in the
 * same rounds, are printed beside it: on a shared machine a neighbour's burst lands on
 * whichever server is running.
 */
function tailTargets (rows: Row[]): Target[] {
  return rows
    .filter((row) => row.kind === 'api' && row.read && !row.skipped && row.p50 !== undefined && row.p99 !== undefined)
    .map((row) => {
      const p99 = row.p99Median ?? row.p99!
      const baselines = rows.filter((other) => other.kind !== 'api' && other.key === `${other.kind}-${row.key}` && other.p50 !== undefined)
      return {
        target: `p99 <= 3x p50: ${row.name}`,
        result: p99 <= 3 * row.p50! ? 'PASS' : 'FAIL',
        detail: tail(row) + (row.p99Median !== undefined && row.p99Median !== row.p99 ? `; the worst round's p99 ${fmt(row.p99, 1)} ms` : '') +
          baselines.map((base) => `; ${base.kind} ${tail(base)}`).join('')
      }
    })
}

function writeTarget (post: Row | undefined, minimum: number): Target {
  const target = `admin writes >= ${fmt(minimum, 0)}/s`
  if (post?.rps === undefined) return { target, result: 'n/a', detail: 'not measured' }
  const tainted = (post.non2xx ?? 0) > 0 ? ` (with ${post.non2xx} non-2xx: not a valid measurement)` : ''
  return { target, result: post.rps >= minimum && !tainted ? 'PASS' : 'FAIL', detail: `${fmt(post.rps, 0)} writes/s${tainted}` }
}

export function checkTargets (rows: Row[], peakRssMB: number, backend: Backend): Target[] {
  const api = new Map(rows.filter((row) => row.kind === 'api' && !row.skipped).map((row) => [row.key, row]))
  return [
    ...ratioTargets(api, backend),
    ...tailTargets(rows),
    writeTarget(api.get('post'), WRITE_TARGETS[backend]),
    {
      target: 'API peak RSS < 200 MB',
      result: peakRssMB > 0 ? (peakRssMB < 200 ? 'PASS' : 'FAIL') : 'n/a',
      detail: peakRssMB > 0 ? `${peakRssMB.toFixed(1)} MB (VmHWM)` : 'could not read /proc'
    }
  ]
}

export interface StandardResult {
  rows: Row[]
  /** VmHWM over the run in MB; apiReady is the API's RSS before any load. */
  peaks: { api: number; apiReady: number; policy: number; bare: number; floor: number }
  seed: SeedResult
  buildWarning: string | null
  policyWarning: string | null
  profileFile: string | null
  /** --before: the earlier build that ran beside the API. */
  before: BeforeSummary | null
}

export interface BeforeSummary {
  commit: string
  rev: string
  dependencies: string
  buildWarning: string | null
  readyRssMB: number
  peakRssMB: number
}

const mb = (value: number) => Number(value.toFixed(1))

function runSettings (settings: Settings, pinned: boolean, seed: SeedResult) {
  return {
    backend: settings.backend,
    products: settings.products,
    durationSeconds: settings.duration,
    warmupSeconds: settings.warmup,
    rounds: settings.rounds,
    pinned,
    connections: settings.connections,
    pipelining: settings.pipelining,
    generator: settings.generator,
    logLevel: settings.logLevel,
    tokens: settings.tokens,
    subjects: settings.subs,
    tokenChoice: `${settings.tokens} tokens over ${settings.subs} subjects, each with a distinct jti; userinfo stays cached per subject`,
    baselines: {
      policy: "bench/baselines/policy.mjs: @fastify/helmet (the API's four headers), @fastify/rate-limit (same budget), X-Request-Id, pino at LOG_LEVEL with one line per request",
      bare: 'bench/baselines/bare.mjs: bare Fastify with the same policy by hand: one hook for the security headers and X-Request-Id, a per-IP read budget in a Map with RateLimit headers, pino at LOG_LEVEL, the same timeouts',
      floor: 'bench/baselines/floor.mjs: bare Fastify, no policy (no logger, no hooks); not a target',
      both: `one prepared statement per route (${settings.backend === 'pg' ? 'pg, named' : 'better-sqlite3'}); fast-jwt createVerifier({ key, algorithms: ['RS256'], cache: true })`
    },
    profile: settings.profile,
    before: settings.before
      ? `${settings.before.commit} (--before ${settings.before.rev}): built from a git archive copy in a temporary directory, its own npm start flags, the same env and database; paired scenarios only`
      : null,
    seed
  }
}

/** Prints the table, the peaks and the targets, and writes bench/results/latest.json. */
export function reportStandardRun (result: StandardResult, settings: Settings, pinned: boolean): void {
  const { rows, peaks } = result
  const targets = checkTargets(rows, peaks.api, settings.backend)
  process.stdout.write(
    `\n${scenarioTable(rows)}\n\nPeak RSS (VmHWM over the whole run): API ${peaks.api.toFixed(1)} MB (${peaks.apiReady.toFixed(1)} MB when ready, before any load); ` +
      `baselines: same policy (a) ${peaks.policy.toFixed(1)} MB, bare parts (b) ${peaks.bare.toFixed(1)} MB, no policy (c) ${peaks.floor.toFixed(1)} MB` +
      `${result.before ? `; before (${result.before.commit.slice(0, 7)}) ${result.before.peakRssMB.toFixed(1)} MB (${result.before.readyRssMB.toFixed(1)} MB when ready)` : ''}\n\n`
  )
  for (const target of targets) process.stdout.write(`${target.result.padEnd(4)}  ${target.target}: ${target.detail}\n`)
  const file = writeJson('latest.json', {
    machine: machine(),
    settings: runSettings(settings, pinned, result.seed),
    buildWarning: result.buildWarning,
    policyWarning: result.policyWarning,
    scenarios: rows,
    peakRssMB: mb(peaks.api),
    readyRssMB: mb(peaks.apiReady),
    baselinePeakRssMB: { policy: mb(peaks.policy), bare: mb(peaks.bare), floor: mb(peaks.floor) },
    targets,
    profile: result.profileFile,
    before: result.before && { ...result.before, readyRssMB: mb(result.before.readyRssMB), peakRssMB: mb(result.before.peakRssMB) }
  })
  process.stdout.write(`\nwritten ${file}\n`)
}
