/** The printed table, the targets and the JSON file of a run. */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { RESULTS } from './children.js'
import { fmt, type Ratio, type Row } from './load.js'

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

export function scenarioTable (rows: Row[]): string {
  return table(
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'peak RSS MB', 'vs same-policy (a)', 'vs bare (b)'],
    rows.map((row) =>
      row.skipped
        ? [row.name, row.skipped, '', '', '', '', '', '']
        : [row.name, fmt(row.rps, 0), fmt(row.p50, 1), fmt(row.p99, 1), fmt(row.non2xx, 0), fmt(row.peakRssMB, 1), ratioCell(row.vs?.policy), ratioCell(row.vs?.bare)]
    ),
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

function ratioTarget (row: Row | undefined, minimum: number, label: string): Target {
  const ratio = row?.vs?.bare
  if (!row || !ratio) return { target: label, result: 'n/a', detail: 'not measured' }
  const tainted = (row.non2xx ?? 0) > 0 ? ` (with ${row.non2xx} non-2xx: not a valid measurement)` : ''
  return {
    target: label,
    result: ratio.ratio >= minimum && !tainted ? 'PASS' : 'FAIL',
    detail: `${ratio.ratio.toFixed(2)}x (median of the rounds' ratios ${ratio.roundRatios.map((r) => r.toFixed(2)).join(' ')}; medians ${fmt(row.rps, 0)} vs ${fmt(ratio.baselineRps, 0)} req/s), need >= ${minimum}x${tainted}`
  }
}

function tailTargets (rows: Row[]): Target[] {
  return rows
    .filter((row) => row.kind === 'api' && row.read && !row.skipped && row.p50 !== undefined && row.p99 !== undefined)
    .map((row) => ({
      target: `p99 <= 3x p50: ${row.name}`,
      result: row.p99! <= 3 * row.p50! ? 'PASS' : 'FAIL',
      detail: `p50 ${fmt(row.p50, 1)} ms, p99 ${fmt(row.p99, 1)} ms (${(row.p99! / Math.max(row.p50!, 0.001)).toFixed(2)}x)` +
        (row.p99Median !== undefined && row.p99Median !== row.p99 ? `; the worst round's p99, the median round's is ${fmt(row.p99Median, 1)} ms` : '')
    }))
}

function writeTarget (post: Row | undefined): Target {
  const target = 'admin writes >= 3,000/s'
  if (post?.rps === undefined) return { target, result: 'n/a', detail: 'not measured' }
  const tainted = (post.non2xx ?? 0) > 0 ? ` (with ${post.non2xx} non-2xx: not a valid measurement)` : ''
  return { target, result: post.rps >= 3000 && !tainted ? 'PASS' : 'FAIL', detail: `${fmt(post.rps, 0)} writes/s${tainted}` }
}

/** The targets, all against the bare baseline (b), as they were set. */
export function checkTargets (rows: Row[], peakRssMB: number, tokens: number): Target[] {
  const api = new Map(rows.filter((row) => row.kind === 'api' && !row.skipped).map((row) => [row.key, row]))
  return [
    ratioTarget(api.get('listing'), 0.9, 'listing >= 0.9x bare Fastify + one prepared statement'),
    ratioTarget(api.get('me'), 0.9, 'GET /me, one cached token >= 0.9x bare fast-jwt'),
    ratioTarget(api.get('me-10k'), 0.85, `GET /me, ${tokens} distinct tokens >= 0.85x bare fast-jwt`),
    ...tailTargets(rows),
    writeTarget(api.get('post')),
    {
      target: 'API peak RSS < 200 MB',
      result: peakRssMB > 0 ? (peakRssMB < 200 ? 'PASS' : 'FAIL') : 'n/a',
      detail: peakRssMB > 0 ? `${peakRssMB.toFixed(1)} MB (VmHWM)` : 'could not read /proc'
    }
  ]
}
