/**
 * Child processes and temporary resources of a bench run: every child is tracked and killed
 * when this process ends, however it ends; temporary directories are removed and async
 * cleanups (dropping a PostgreSQL database) run on a normal end and on a signal.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
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
  /** SIGKILL to it and, for a process group leader (npm and the tsc it runs), its group. */
  kill(): void
}

const children = new Set<Child>()
const tempDirs = new Set<string>()
const asyncCleanups = new Set<() => Promise<void>>()

function killChildren (): void {
  for (const child of children) {
    if (!child.done) child.kill()
  }
}

const notRemoved = (dir: string, error: unknown) =>
  process.stderr.write(`bench: could not remove ${dir}: ${error instanceof Error ? error.message : String(error)}\n`)

function killAllSync (): void {
  killChildren()
  for (const dir of tempDirs) {
    // One directory that will not go (a killed writer's last file) must not keep the others.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 })
    } catch (error) {
      notRemoved(dir, error)
    }
  }
  tempDirs.clear()
}

/** Registers a cleanup that needs to await (a database to drop); returns its unregister. */
export function onCleanup (cleanup: () => Promise<void>): () => void {
  asyncCleanups.add(cleanup)
  return () => asyncCleanups.delete(cleanup)
}

/**
 * Kills the children, removes the temporary directories, then runs the async cleanups, each
 * bounded to 10 s. Removal is async so that this process still answers signals meanwhile:
 * tsx SIGKILLs a child that does not acknowledge a relayed signal within 30 ms.
 */
export async function cleanup (): Promise<void> {
  killChildren()
  await Promise.all([...tempDirs].map(async (dir) => {
    await rm(dir, { recursive: true, force: true, maxRetries: 5 }).catch((error: unknown) => notRemoved(dir, error))
    tempDirs.delete(dir)
  }))
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
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // `on`, not `once`: under npm and tsx one Ctrl-C arrives twice, and with no listener left
    // tsx's own handler would exit in the middle of the cleanup.
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      process.stderr.write(`\nbench: ${signal}, stopping child processes\n`)
      cleanup().finally(() => process.exit(130))
    })
  }
}

const TEMP_PREFIX = 'store-api-bench-'
// Names the run that made a temporary directory, so that a later run can remove it if that run was killed outright.
const OWNER_FILE = '.bench-owner-pid'

export function newTempDir (): string {
  const dir = mkdtempSync(join(os.tmpdir(), TEMP_PREFIX))
  writeFileSync(join(dir, OWNER_FILE), String(process.pid))
  tempDirs.add(dir)
  return dir
}

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes the temporary directories (an old revision's copy, a seeded database) of bench runs
 * that ended without their handlers: SIGKILL, or tsx killing its child when the signal reached
 * only tsx. A directory whose run is still alive, or that names no run, is left alone.
 */
export function removeStaleTempDirs (): void {
  for (const name of readdirSync(os.tmpdir())) {
    if (!name.startsWith(TEMP_PREFIX)) continue
    const dir = join(os.tmpdir(), name)
    let owner: number
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'))
    } catch {
      continue
    }
    if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || alive(owner)) continue
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 })
    } catch {
      // a leftover writer still in it: the next run tries again
    }
  }
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

/**
 * `group`: the child leads a process group of its own, killed whole, so that what it runs
 * (npm's `sh -c tsc`) does not outlive it and write into a directory being removed.
 */
export function startChild (name: string, command: string, argv: string[], env: NodeJS.ProcessEnv, cwd = ROOT, group = false): Child {
  const proc = spawn(command, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group })
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
    lines: () => lines,
    kill: () => {
      try {
        if (group) process.kill(-proc.pid!, 'SIGKILL')
        else proc.kill('SIGKILL')
      } catch {
        // already gone
      }
    }
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

export async function runToEnd (name: string, command: string, argv: string[], timeoutMs: number, cwd = ROOT): Promise<{ code: number | null; output: string }> {
  // npm derives its prefix from cwd; the caller's (set by `npm run bench`) must not override it.
  const { npm_config_local_prefix: _prefix, ...env } = process.env
  const child = startChild(name, command, argv, env, cwd, true)
  const timer = setTimeout(() => {
    if (!child.done) child.kill()
  }, timeoutMs)
  const { code, signal } = await child.exited
  clearTimeout(timer)
  if (signal) throw new Error(`${name} was killed (${signal}):\n${child.output()}`)
  return { code, output: child.output() }
}

/** `npm <args>` in `cwd`, to its end. */
export async function runNpm (args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  // Under `npm run`, npm_execpath is npm's own CLI: run it with this node, no shell needed.
  const npmCli = process.env.npm_execpath
  const name = `npm ${args.join(' ')}`
  return npmCli && /npm-cli\.c?js$/.test(npmCli)
    ? runToEnd(name, process.execPath, [npmCli, ...args], timeoutMs, cwd)
    : runToEnd(name, 'npm', args, timeoutMs, cwd)
}

/**
 * `npm run build` in `root` (this checkout by default). Returns a warning when tsc reported
 * type errors but still emitted dist/ (work in progress elsewhere in src/): that dist/ is
 * what gets measured.
 */
export async function build (root = ROOT): Promise<string | null> {
  const started = Date.now()
  const { code, output } = await runNpm(['run', 'build'], root, 300_000)
  if (code === 0) return null
  // tsc exits 2 when it found type errors yet emitted everything (noEmitOnError is off).
  const server = join(root, 'dist', 'server.js')
  const fresh = existsSync(server) && statSync(server).mtimeMs >= started - 1000
  if (code !== 2 || !fresh) throw new Error(`npm run build failed (exit code ${code}):\n${output}`)
  const errors = output.split('\n').filter((line) => /error TS\d+/.test(line))
  return `npm run build reported ${errors.length} type error(s) but emitted dist/, which is what is measured: ${errors.join(' | ').slice(0, 600)}`
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort (): Promise<number> {
  return getPort({ host: '127.0.0.1' })
}
