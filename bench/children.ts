/**
 * Child processes and temporary resources of a bench run: every child is tracked and killed
 * when this process ends, however it ends; temporary directories are removed and async
 * cleanups (dropping a PostgreSQL database) run on a normal end and on a signal.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import getPort from 'get-port'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const RESULTS = join(ROOT, 'bench', 'results')

export interface Child {
  name: string
  proc: ChildProcess
  pid: number
  done: boolean
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** The last 64 KiB of stdout and stderr, for error messages. */
  output(): string
  /** Lines written to stdout and stderr so far (log lines, for the API). */
  lines(): number
}

const children = new Set<Child>()
const tempDirs = new Set<string>()
const asyncCleanups = new Set<() => Promise<void>>()

function killAllSync (): void {
  for (const child of children) {
    if (!child.done) {
      try {
        child.proc.kill('SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
  tempDirs.clear()
}

/** Registers a cleanup that needs to await (a database to drop); returns its unregister. */
export function onCleanup (cleanup: () => Promise<void>): () => void {
  asyncCleanups.add(cleanup)
  return () => asyncCleanups.delete(cleanup)
}

/** Kills the children, then runs the async cleanups, each bounded to 10 s. */
export async function cleanup (): Promise<void> {
  killAllSync()
  for (const run of [...asyncCleanups]) {
    asyncCleanups.delete(run)
    const bounded = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())
    await Promise.race([run().catch((error: unknown) => {
      process.stderr.write(`bench: cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`)
    }), bounded])
  }
}

export function installExitHandlers (): void {
  process.on('exit', killAllSync)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`)
      cleanup().finally(() => process.exit(130))
    })
  }
}

export function newTempDir (): string {
  const dir = mkdtempSync(join(os.tmpdir(), 'store-api-bench-'))
  tempDirs.add(dir)
  return dir
}

export function removeTempDir (dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

/** Only what node needs: nothing from the caller's environment (a stray AUTH0_*) leaks in. */
export function baseEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key]
    if (value !== undefined) env[key] = value
  }
  return env
}

export function startChild (name: string, command: string, argv: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(command, argv, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  if (proc.pid === undefined) throw new Error(`could not start ${name}`)
  let buffer = ''
  let lines = 0
  const keep = (chunk: string) => {
    for (let at = chunk.indexOf('\n'); at !== -1; at = chunk.indexOf('\n', at + 1)) lines++
    buffer += chunk
    if (buffer.length > 65_536) buffer = buffer.slice(-65_536)
  }
  proc.stdout?.setEncoding('utf8').on('data', keep)
  proc.stderr?.setEncoding('utf8').on('data', keep)
  const child: Child = {
    name,
    proc,
    pid: proc.pid,
    done: false,
    exited: new Promise((resolve) => {
      proc.once('close', (code, signal) => {
        child.done = true
        children.delete(child)
        resolve({ code, signal })
      })
    }),
    output: () => buffer,
    lines: () => lines
  }
  children.add(child)
  return child
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. */
export async function stopChild (child: Child, graceMs = 15_000): Promise<void> {
  if (child.done) return
  child.proc.kill('SIGTERM')
  const timer = setTimeout(() => {
    if (!child.done) child.proc.kill('SIGKILL')
  }, graceMs)
  await child.exited
  clearTimeout(timer)
}

/** Polls url until it answers 200; fails at once, with the child's output, if the child exits. */
export async function waitFor (url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = 'no answer'
  while (Date.now() < deadline) {
    if (child.done) throw new Error(`${child.name} exited before ${url} answered; its output:\n${child.output()}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
      await response.body?.cancel()
      if (response.status === 200) return
      last = `status ${response.status}`
    } catch (error) {
      last = error instanceof Error ? error.message : String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last}); ${child.name} output:\n${child.output()}`)
}

async function runToEnd (name: string, command: string, argv: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const child = startChild(name, command, argv, { ...process.env })
  const timer = setTimeout(() => {
    if (!child.done) child.proc.kill('SIGKILL')
  }, timeoutMs)
  const { code, signal } = await child.exited
  clearTimeout(timer)
  if (signal) throw new Error(`${name} was killed (${signal}):\n${child.output()}`)
  return { code, output: child.output() }
}

/**
 * `npm run build`. Returns a warning when tsc reported type errors but still emitted dist/
 * (work in progress elsewhere in src/): that dist/ is what gets measured.
 */
export async function build (): Promise<string | null> {
  const started = Date.now()
  // Under `npm run`, npm_execpath is npm's own CLI: run it with this node, no shell needed.
  const npmCli = process.env.npm_execpath
  const { code, output } = npmCli && /npm-cli\.c?js$/.test(npmCli)
    ? await runToEnd('npm run build', process.execPath, [npmCli, 'run', 'build'], 300_000)
    : await runToEnd('npm run build', 'npm', ['run', 'build'], 300_000)
  if (code === 0) return null
  // tsc exits 2 when it found type errors yet emitted everything (noEmitOnError is off).
  const server = join(ROOT, 'dist', 'server.js')
  const fresh = existsSync(server) && statSync(server).mtimeMs >= started - 1000
  if (code !== 2 || !fresh) throw new Error(`npm run build failed (exit code ${code}):\n${output}`)
  const errors = output.split('\n').filter((line) => /error TS\d+/.test(line))
  return `npm run build reported ${errors.length} type error(s) but emitted dist/, which is what is measured: ${errors.join(' | ').slice(0, 600)}`
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort (): Promise<number> {
  return getPort({ host: '127.0.0.1' })
}
