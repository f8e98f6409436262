import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { childEnv, freePort, ROOT, spawnTs, tempDir, waitForHttp } from './process.js'

// The README's walkthrough (its ```sh walkthrough blocks), run as written by bash against a
// started API with the development issuer, twice in a row: on SQLite, and on PostgreSQL (a
// fresh database, so no demo data). Every curl that should succeed says --fail-with-body, so a
// hard-coded id or a missing file stops the script; the refusals it shows print their status.
const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
export const BLOCKS = [...README.matchAll(/^```sh walkthrough\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')

// The status lines the walkthrough prints, in order (its curls with -w '%{http_code}').
const EXPECTED_STATUSES = ['403', '204', '401', '201', '201 true', '200', '412', '200']

interface Teardown { teardown(fn: () => unknown): void }

async function startApi (t: Teardown, databaseUrl: (dir: string) => string): Promise<{ api: string, state: string }> {
  const dir = tempDir(t)
  const port = await freePort()
  const state = join(dir, 'dev-issuer.json')
  const proc = spawnTs(t, 'src/server.ts', {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl(dir),
    DEV_ISSUER_PORT: '0',
    DEV_ISSUER_STATE: state
  })
  const api = `http://127.0.0.1:${port}`
  await waitForHttp(`${api}/ready`, { proc, timeoutMs: 60_000 })
  return { api, state }
}

function runWalkthrough (api: string, state: string): { status: number | null, stdout: string, stderr: string } {
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', BLOCKS.join('\n')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({ API: api, DEV_ISSUER_STATE: state }),
    encoding: 'utf8',
    timeout: 120_000
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

/** Starts the API on the database `databaseUrl` makes, and runs the walkthrough against it twice. */
export async function walkTwice (t: Test, databaseUrl: (dir: string) => string): Promise<void> {
  const { api, state } = await startApi(t, databaseUrl)
  for (const round of [1, 2]) {
    const run = runWalkthrough(api, state)
    t.equal(run.status, 0, `round ${round}: the walkthrough exits 0 ${run.stderr.slice(-2000)}`)
    const statuses = run.stdout.split('\n').map((line) => line.trim()).filter((line) => /^\d{3}( \w+)?$/.test(line))
    t.same(statuses, EXPECTED_STATUSES, `round ${round}: the statuses it shows are the ones the README says`)
    t.notMatch(run.stdout, /"status":\s*5\d\d/, `round ${round}: no server error`)
    // "Log out everywhere" ends the walkthrough; a token minted within that second is revoked too.
    await new Promise((resolve) => setTimeout(resolve, 1100))
  }
}
