/** The before/after block of a run with --before: each paired scenario, the two builds side by side. */
import { fmt, type Ratio, type Row } from './load.js'
import { table } from './report.js'

const ratio = (value: Ratio | undefined) => (value ? `${value.ratio.toFixed(2)}x` : '-')
const pair = (after: string, before: string) => `${after} | ${before}`
// The median round's p99, as req/s and p50 are the rounds' medians.
const p99 = (row: Row) => fmt(row.p99Median ?? row.p99, 1)

/** Rows: for each API row that ran beside the earlier build, the two side by side. */
export function beforeAfterTable (rows: Row[]): string {
  const lines: string[][] = []
  for (const after of rows) {
    const before = rows.find((row) => row.kind === 'before' && row.key === `before-${after.key}`)
    if (after.kind !== 'api' || !before || !after.vs?.before) continue
    lines.push([
      after.name,
      pair(fmt(after.rps, 0), fmt(before.rps, 0)),
      ratio(after.vs.before),
      pair(fmt(after.p50, 1), fmt(before.p50, 1)),
      pair(p99(after), p99(before)),
      pair(fmt(after.cpuUs, 1), fmt(before.cpuUs, 1)),
      pair(ratio(after.vs.policy), ratio(before.vs?.policy)),
      pair(ratio(after.vs.bare), ratio(before.vs?.bare))
    ])
  }
  return table(
    ['scenario (after | before)', 'req/s', 'after/before', 'p50 ms', 'p99 ms (median round)', 'CPU µs/req', 'vs same policy (a)', 'vs bare parts (b)'],
    lines,
    (column) => column > 0
  )
}

export function printBeforeAfter (rows: Row[], before: { commit: string; rev: string }): void {
  process.stdout.write(
    `\nBefore and after in the same paired rounds: after = this checkout, before = ${before.commit.slice(0, 7)} (--before ${before.rev}); ` +
      "after/before is the median of the rounds' paired ratios\n\n" +
      `${beforeAfterTable(rows)}\n`
  )
}
