// --before: which revisions it takes, when the old build can borrow this checkout's
// node_modules, and the before/after block it prints.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { beforeAfterTable } from '../before-report.js'
import { missingPackages, resolveRevision } from '../before.js'
import type { Row } from '../load.js'

t.test('a revision resolves to its full commit; a name of no commit to null', async (t) => {
  const head = resolveRevision('HEAD')
  t.match(head, { rev: 'HEAD', commit: /^[0-9a-f]{40}$/ })
  t.equal(head?.short, head?.commit.slice(0, 7))
  t.equal(resolveRevision('no-such-revision-anywhere'), null)
  t.equal(resolveRevision('--help'), null, 'an option-looking name is not taken as an option')
})

t.test('missingPackages names the declared packages node_modules lacks', async (t) => {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-before-test-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(join(dir, 'node_modules', 'present'), { recursive: true })
  writeFileSync(join(dir, 'node_modules', 'present', 'package.json'), '{}')
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ dependencies: { present: '1' }, devDependencies: { absent: '1' } }))
  t.same(missingPackages(dir, join(dir, 'node_modules')), ['absent'])
})

t.test('the before/after table puts both builds of a scenario side by side', async (t) => {
  const ratio = (value: number) => ({ baselineKey: 'x', baselineRps: 1, ratio: value, roundRatios: [value] })
  const rows: Row[] = [
    { key: 'before-health', name: '[before abc1234] GET /health', kind: 'before', read: true, rps: 8000, p50: 5, p99: 9, cpuUs: 100, vs: { policy: ratio(0.9), bare: ratio(0.7) } },
    { key: 'health', name: 'GET /health', kind: 'api', read: true, rps: 10_000, p50: 4, p99: 8, cpuUs: 80, vs: { policy: ratio(1.1), bare: ratio(0.88), before: ratio(1.25) } },
    { key: 'search', name: 'GET /products?q=lamp', kind: 'api', read: true, rps: 500 }
  ]
  const lines = beforeAfterTable(rows).split('\n')
  t.equal(lines.length, 3, 'a header, a rule and one row: a scenario without an earlier build is left out')
  t.match(lines[2], /^GET \/health\s+10,000 \| 8,000\s+1\.25x\s+4\.0 \| 5\.0\s+8\.0 \| 9\.0\s+80\.0 \| 100\.0\s+1\.10x \| 0\.90x\s+0\.88x \| 0\.70x$/)
})
