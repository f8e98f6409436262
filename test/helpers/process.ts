import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import getPort from 'get-port'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** The repository root (where package.json, src/ and scripts/ live). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** A fresh directory under the OS temp dir, removed when the test ends. */
export function tempDir (t: Teardown, prefix = 'store-api-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort (): Promise<number> {
  return getPort({ host: '127.0.0.1' })
}

/**
 * A child environment with only what Node needs to run, plus `env`; nothing from the
 * caller's environment (a stray AUTH0_* or PORT) leaks into the process under test.
 * (A child records no coverage whatever its environment: see coverage-scope.ts.)
 */
export function childEnv (env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {}
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT']) {
    const value = process.env[key]
    if (value !== undefined) base[key] = value
  }
  return { ...base, ...env }
}

/** `node --import tsx <script> ...args` from the repository root, run to completion. */
export function runTsSync (script: string, args: string[], env: Record<string, string>, timeoutMs = 30_000): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: childEnv(env),
    encoding: 'utf8',
    timeout: timeoutMs
  })
}

export interface RunningProcess {
  child: ChildProcess
  /** Everything written to stdout so far. */
  stdout(): string
  /** Everything written to stderr so far. */
  stderr(): string
  /** Resolves with the exit code (or null and the signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Whether the process has ended. */
  hasExited(): boolean
}

/** `node --import tsx <script>` from the repository root, killed (by its pid) if still running when the test ends. */
export function spawnTs (t: Teardown, script: string, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  let done = false
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      done = true
      resolve({ code, signal })
    })
  })
  t.teardown(async () => {
    if (!done && child.pid !== undefined) {
      child.kill('SIGKILL')
      await exited
    }
  })
  return { child, stdout: () => out, stderr: () => err, exited, hasExited: () => done }
}

/** Resolves with `promise`'s value, or rejects after `ms` with `message`. */
export async function within<T> (promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms)
      })
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Polls `url` until it answers `status`, giving up after `timeoutMs` or as soon as
 * `proc` (when given) has exited. Returns the last response.
 */
export async function waitForHttp (url: string, options: { status?: number; timeoutMs?: number; proc?: RunningProcess } = {}): Promise<Response> {
  const status = options.status ?? 200
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  let last: unknown
  while (Date.now() < deadline) {
    if (options.proc?.hasExited()) {
      throw new Error(`the process exited before ${url} answered; stderr: ${options.proc.stderr()}`)
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
      if (response.status === status) return response
      last = `status ${response.status}`
      await response.body?.cancel()
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer ${status} in time (last: ${String(last)})`)
}

/** A real server (`src/server.ts`, production) started on a free port. */
export interface ServerProcess {
  proc: RunningProcess
  base: string
  port: number
}

/** Starts `src/server.ts` in production mode trusting `issuer`, with `env` on top; resolves once /health answers. */
export async function startServerProcess (t: Teardown, issuer: { url: string, audience: string }, env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort()
  const proc = spawnTs(t, 'src/server.ts', {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    AUTH0_ISSUER_BASE_URL: issuer.url,
    AUTH0_AUDIENCE: issuer.audience,
    // No wait for a balancer on SIGTERM unless a test asks for one.
    SHUTDOWN_DRAIN_MS: '0',
    ...env
  })
  const base = `http://127.0.0.1:${port}`
  // Generous: under a loaded machine a cold tsx start can take a while.
  await waitForHttp(`${base}/health`, { proc, timeoutMs: 60_000 })
  return { proc, base, port }
}
