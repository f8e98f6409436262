// Coverage is measured in the test processes only (test/helpers/coverage-scope.ts): every
// process they spawn, with whatever environment, must see coverage switched off, so that no
// child's differently compiled copy of a file is merged into the report.
import { spawnSync } from 'node:child_process'
import t from 'tap'
import { runTsSync } from './helpers/process.js'

// Not imported from coverage-scope.ts: importing it would set the switch, and prove nothing.
const CHILD_COVERAGE_SWITCH = '_TAPJS_PROCESSINFO_COVERAGE_'

// What the child's own coverage hook (when tap loaded one into it) left in its environment:
// '1' once it records coverage, '0' when it was told not to.
const REPORT = `process.stdout.write(String(process.env.${CHILD_COVERAGE_SWITCH}))`

t.test('the switch is set in this test process, by tap\'s node-arg', async (t) => {
  t.equal(process.env[CHILD_COVERAGE_SWITCH], '0')
})

t.test('a child records no coverage, whatever environment it is given', async (t) => {
  const bare = spawnSync(process.execPath, ['-e', REPORT], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' })
  t.equal(bare.stdout, '0', 'a bare environment (as the bench baselines get)')
  const inherited = spawnSync(process.execPath, ['-e', REPORT], { encoding: 'utf8' })
  t.equal(inherited.stdout, '0', 'the inherited environment')
  const tsx = runTsSync('-e', [REPORT], {})
  t.equal(tsx.stdout, '0', 'node --import tsx through the test helpers')
  const shell = spawnSync(`"${process.execPath}" -e '${REPORT}'`, { shell: true, env: {}, encoding: 'utf8' })
  t.equal(shell.stdout, '0', 'through a shell, with an empty environment')
})
