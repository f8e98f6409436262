/**
 * `npm run bench` / `npm run bench:growth`: builds the production server, seeds a temporary
 * SQLite database, starts a local RS256 issuer here and the real server (`node dist/server.js`)
 * as a child process, loads it with autocannon next to bare-Fastify baselines, and prints and
 * saves the results (bench/results/latest.json or growth.json). Exits 0 whatever the targets
 * say; non-zero only when the run itself broke. Every child is killed when this process ends.
 *
 * Options (all optional):
 *   --products N      products seeded (default 10000, or BENCH_PRODUCTS)
 *   --duration S      seconds per scenario and round (default 5; or BENCH_DURATION)
 *   --warmup S        unmeasured seconds before each scenario (default 1; 0 to skip)
 *   --rounds N        a scenario with a baseline alternates with it N times (default 5); its
 *                     req/s and p50 are the medians of the rounds, its p99 the worst round's,
 *                     its ratio the median of the rounds' ratios (each round against the
 *                     baseline run next to it)
 *   --connections N   autocannon connections (default 100)
 *   --pipelining N    autocannon pipelining (default 10)
 *   --tokens N        distinct tokens for the rotating /me scenario (default 10000)
 *   --subs N          distinct subjects among them (default 100)
 *   --log-level L     the API's LOG_LEVEL (default warn)
 *   --only a,b        run only these scenarios (health, listing, get, search, me, me-10k, post, mix)
 *   --no-pin          do not pin (by default, with taskset and 2+ cores, the server under test
 *                     runs on core 1 and this process, the load generator, on core 0)
 *   --profile         run the API with --cpu-prof into bench/results/ and summarise the profile
 *   --skip-build      use the existing dist/ (no `npm run build`)
 *   --growth          listing, search and get-by-id (and deep cursor paging) per database size
 *   --sizes a,b       sizes for --growth (default 1000,10000,100000,1000000)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { TestIssuer } from '../test/helpers/issuer.js'
import { freePort } from '../test/helpers/process.js'
import { formatSummary, summariseProfile } from './profile-summary.js'
import { SEARCH_WORD, seedDatabase, type SeedResult } from './seed.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = join(ROOT, 'bench', 'results')
const BASELINE_SCRIPT = join(ROOT, 'bench', 'baseline-server.mjs')
const GENEROUS_LIMIT = '100000000'

// ---------------------------------------------------------------------------------------------
// Options

/** A bad option: one line, exit code 2, no stack. */
function usageError (message: string): never {
  process.stderr.write(`bench: ${message} (see --help)\n`)
  process.exit(2)
}

function parseOptions () {
  try {
    return parseArgs({
      options: {
        products: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        rounds: { type: 'string' },
        connections: { type: 'string' },
        pipelining: { type: 'string' },
        tokens: { type: 'string' },
        subs: { type: 'string' },
        'log-level': { type: 'string' },
        only: { type: 'string' },
        profile: { type: 'boolean', default: false },
        'no-pin': { type: 'boolean', default: false },
        'skip-build': { type: 'boolean', default: false },
        growth: { type: 'boolean', default: false },
        sizes: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      },
      strict: true,
      allowPositionals: false
    })
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error))
  }
}
const { values: args } = parseOptions()

if (args.help) {
  const source = readFileSync(fileURLToPath(import.meta.url), 'utf8')
  process.stdout.write(`${/\/\*\*([\s\S]*?)\*\//.exec(source)?.[1]?.replace(/^ \* ?/gm, '') ?? ''}\n`)
  process.exit(0)
}

function positiveInt (name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined || text === '') return fallback
  if (!/^\d+$/.test(text) || Number(text) < min) usageError(`--${name} must be a whole number >= ${min} (got ${text})`)
  return Number(text)
}

function seconds (name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0 || value > 600) usageError(`--${name} must be from 0 to 600 seconds (got ${text})`)
  return value
}

const GROWTH = args.growth
const settings = {
  products: positiveInt('products', args.products ?? process.env.BENCH_PRODUCTS, 10_000),
  duration: seconds('duration', args.duration ?? process.env.BENCH_DURATION, 5),
  warmup: seconds('warmup', args.warmup, 1),
  rounds: positiveInt('rounds', args.rounds, 5),
  connections: positiveInt('connections', args.connections, 100),
  pipelining: positiveInt('pipelining', args.pipelining, 10),
  tokens: positiveInt('tokens', args.tokens, 10_000),
  subs: positiveInt('subs', args.subs, 100),
  logLevel: args['log-level'] ?? 'warn',
  profile: args.profile,
  sizes: (args.sizes ?? '1000,10000,100000,1000000').split(',').map((size) => positiveInt('sizes', size.trim(), 0)),
  only: args.only ? new Set(args.only.split(',').map((key) => key.trim())) : null
}
if (settings.duration < 1) usageError('--duration must be at least 1 second')
const SCENARIO_KEYS = ['health', 'listing', 'get', 'search', 'me', 'me-10k', 'post', 'mix']
for (const key of settings.only ?? []) {
  if (!SCENARIO_KEYS.includes(key)) usageError(`--only: unknown scenario ${key} (known: ${SCENARIO_KEYS.join(', ')})`)
}
const wanted = (key: string) => settings.only === null || settings.only.has(key)

// ---------------------------------------------------------------------------------------------
// Child processes: all tracked, all killed when this process ends however it ends.

interface Child {
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

function cleanupSync (): void {
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

process.on('exit', cleanupSync)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping child processes\n`)
    process.exit(130)
  })
}

function baseEnv (): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[key]
    if (value !== undefined) env[key] = value
  }
  return env
}

/**
 * Left to the scheduler, the load generator and the server swap cores and req/s swings by a
 * third between identical runs; pinned, repeated runs agree within a few percent.
 */
const PINNED = !args['no-pin'] && os.cpus().length >= 2 &&
  spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' }).status === 0

/** The command line that runs node with these arguments on the server's core. */
function serverCommand (argv: string[]): [string, string[]] {
  return PINNED ? ['taskset', ['-c', '1', process.execPath, ...argv]] : [process.execPath, argv]
}

function startChild (name: string, command: string, argv: string[], env: NodeJS.ProcessEnv): Child {
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
async function stopChild (child: Child, graceMs = 15_000): Promise<void> {
  if (child.done) return
  child.proc.kill('SIGTERM')
  const timer = setTimeout(() => {
    if (!child.done) child.proc.kill('SIGKILL')
  }, graceMs)
  await child.exited
  clearTimeout(timer)
}

async function waitFor (url: string, child: Child, timeoutMs = 30_000): Promise<void> {
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

/** Set when tsc reported type errors but still emitted dist/ (work in progress elsewhere in src/). */
let buildWarning: string | null = null

async function build (): Promise<void> {
  const started = Date.now()
  // Under `npm run`, npm_execpath is npm's own CLI: run it with this node, no shell needed.
  const npmCli = process.env.npm_execpath
  const { code, output } = npmCli && /npm-cli\.c?js$/.test(npmCli)
    ? await runToEnd('npm run build', process.execPath, [npmCli, 'run', 'build'], 300_000)
    : await runToEnd('npm run build', 'npm', ['run', 'build'], 300_000)
  if (code === 0) return
  // tsc exits 2 when it found type errors yet emitted everything (noEmitOnError is off).
  const server = join(ROOT, 'dist', 'server.js')
  const fresh = existsSync(server) && statSync(server).mtimeMs >= started - 1000
  if (code !== 2 || !fresh) throw new Error(`npm run build failed (exit code ${code}):\n${output}`)
  const errors = output.split('\n').filter((line) => /error TS\d+/.test(line))
  buildWarning = `npm run build reported ${errors.length} type error(s) but emitted dist/, which is what is measured: ${errors.join(' | ').slice(0, 600)}`
  process.stdout.write(`WARNING: ${buildWarning}\n`)
}

// ---------------------------------------------------------------------------------------------
// Memory of the API process, from /proc (Linux): VmRSS polled, VmHWM at the end.

class RssSampler {
  peakKb = 0
  #current: { key: string; peakKb: number } | null = null
  #timer: NodeJS.Timeout | null = null

  constructor (readonly pid: number) {}

  read (): { rssKb: number; hwmKb: number } | null {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]
      return rss ? { rssKb: Number(rss), hwmKb: Number(hwm ?? rss) } : null
    } catch {
      return null
    }
  }

  #sample (): void {
    const now = this.read()
    if (!now) return
    this.peakKb = Math.max(this.peakKb, now.rssKb, now.hwmKb)
    if (this.#current) this.#current.peakKb = Math.max(this.#current.peakKb, now.rssKb)
  }

  start (): void {
    this.#timer = setInterval(() => this.#sample(), 100)
    this.#timer.unref()
  }

  /** Starts tracking the peak of one scenario; returns a function giving that peak in MB. */
  scenario (key: string): () => number {
    const current = { key, peakKb: 0 }
    this.#current = current
    this.#sample()
    return () => {
      this.#sample()
      if (this.#current === current) this.#current = null
      return current.peakKb / 1024
    }
  }

  /** The peak over the process' whole life (VmHWM), read before it is stopped. */
  finish (): number {
    this.#sample()
    if (this.#timer) clearInterval(this.#timer)
    return this.peakKb / 1024
  }
}

// ---------------------------------------------------------------------------------------------
// The API and the baselines

interface ApiProcess {
  child: Child
  url: string
  rss: RssSampler
  profileFile: string | null
  /** RSS once /ready answered, before any load. */
  readyRssMB: number
}

/**
 * The node flags `npm start` runs the server with. The API and the baselines all get them, so
 * the ratios compare code, not V8 settings (without them a bare baseline lands by chance in a
 * slow GC regime after its first burst; see README, Performance).
 */
function startScriptNodeFlags (): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  const match = /^node((?:\s+--\S+)*)\s+dist\/server\.js$/.exec(scripts.start ?? '')
  if (!match) throw new Error(`package.json's start script is not "node [--flags] dist/server.js": ${scripts.start}`)
  return match[1]!.trim().split(/\s+/).filter(Boolean)
}

async function startApi (issuer: TestIssuer, dbPath: string, label: string): Promise<ApiProcess> {
  const port = await freePort()
  const nodeArgs: string[] = startScriptNodeFlags()
  let profileFile: string | null = null
  if (settings.profile) {
    mkdirSync(RESULTS, { recursive: true })
    const name = `api-${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', RESULTS, '--cpu-prof-name', name)
    profileFile = join(RESULTS, name)
  }
  // parent-watch stops the API if this process is killed before it can stop it.
  nodeArgs.push('--import', pathToFileURL(join(ROOT, 'bench', 'parent-watch.mjs')).href)
  const child = startChild(`API (${label})`, ...serverCommand([...nodeArgs, join(ROOT, 'dist', 'server.js')]), {
    ...baseEnv(),
    NODE_ENV: 'production',
    LOG_LEVEL: settings.logLevel,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: `file:${dbPath}`,
    AUTH0_ISSUER_BASE_URL: issuer.url,
    AUTH0_AUDIENCE: issuer.audience,
    AUTH0_ROLE_CLAIM: issuer.roleClaim,
    // Other work in progress adds rate limiting: a benchmark must not measure 429s.
    RATE_LIMIT_READS: GENEROUS_LIMIT,
    RATE_LIMIT_WRITES: GENEROUS_LIMIT,
    RATE_LIMIT_AUTH_FAILURES: GENEROUS_LIMIT
  })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}/ready`, child)
  const rss = new RssSampler(child.pid)
  rss.start()
  const readyRssMB = (rss.read()?.rssKb ?? 0) / 1024
  return { child, url, rss, profileFile, readyRssMB }
}

/** Stops the API gracefully (so that --cpu-prof writes its profile); returns its peak RSS in MB. */
async function stopApi (api: ApiProcess): Promise<number> {
  const peak = api.rss.finish()
  await stopChild(api.child)
  if (api.profileFile) {
    if (existsSync(api.profileFile)) process.stdout.write(`\n${formatSummary(summariseProfile(api.profileFile))}\n`)
    else process.stdout.write(`\n(no CPU profile was written at ${api.profileFile})\n`)
  }
  return peak
}

async function startBaseline (mode: 'listing' | 'jwt', env: Record<string, string>): Promise<{ child: Child; url: string }> {
  const port = await freePort()
  const child = startChild(`baseline (${mode})`, ...serverCommand([...startScriptNodeFlags(), BASELINE_SCRIPT]), {
    ...baseEnv(),
    NODE_ENV: 'production',
    BASELINE_MODE: mode,
    PORT: String(port),
    ...env
  })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}/health`, child)
  return { child, url }
}

// ---------------------------------------------------------------------------------------------
// Load

interface Load {
  /** Requests cycled through by every connection; setupRequest makes them rotate. */
  requests: autocannon.Request[]
  /** Overrides --connections / --pipelining (slow requests would otherwise queue for minutes). */
  connections?: number
  pipelining?: number
}

interface Measured {
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  timeouts: number
  total: number
  statusCodes: Record<string, number>
}

async function cannon (url: string, load: Load, durationSeconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({
      url,
      connections: load.connections ?? settings.connections,
      pipelining: load.pipelining ?? settings.pipelining,
      duration: durationSeconds,
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

interface Row extends Partial<Measured> {
  key: string
  name: string
  kind: 'api' | 'baseline'
  read: boolean
  baselineKey?: string
  baselineRps?: number
  ratio?: number
  /** Each round's req/s over its paired baseline round's, when the scenario has a baseline. */
  roundRatios?: number[]
  /** The median round's p99, beside `p99` (the worst round's). */
  p99Median?: number
  peakRssMB?: number
  /** Lines the API logged during the measurement (LOG_LEVEL=warn: should be 0). */
  apiLogLines?: number
  skipped?: string
  warning?: string
  /** Each round's figures, when the scenario ran in rounds against its baseline. */
  rounds?: Array<Partial<Pick<Measured, 'rps' | 'p50' | 'p99'>>>
}

/** CPU time (user + system, in clock ticks) a process has used so far, or null once it is gone. */
function cpuTicks (pid: number): number | null {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()?.split(' ') ?? []
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return null
  }
}

/**
 * Waits until the processes are idle (under ~10% CPU for 200 ms, at most 15 s): when autocannon
 * stops, up to connections x pipelining requests it sent are still queued in the server, and
 * they must not spill into the next measurement.
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

async function runScenario (
  row: Omit<Row, keyof Measured>,
  url: string,
  load: Load,
  api: ApiProcess | null,
  watch: Child[]
): Promise<Row> {
  process.stdout.write(`  ${row.name} ...`)
  const pids = watch.map((child) => child.pid)
  await quiesce(pids)
  const problem = await preflight(url, load)
  if (settings.warmup > 0) {
    await cannon(url, load, settings.warmup)
    await quiesce(pids)
  }
  const peak = api?.rss.scenario(row.key)
  const linesBefore = api?.child.lines() ?? 0
  const result = measured(await cannon(url, load, settings.duration))
  for (const child of watch) {
    if (child.done) throw new Error(`${child.name} died during "${row.name}"; its output:\n${child.output()}`)
  }
  const done: Row = { ...row, ...result }
  if (peak) done.peakRssMB = peak()
  if (api) done.apiLogLines = api.child.lines() - linesBefore
  if (problem) done.warning = `the first request answered ${problem}`
  else if (result.total === 0) done.warning = 'no response completed during the measurement (the server was too slow or still busy with an earlier backlog)'
  else if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    done.warning = `status codes ${JSON.stringify(result.statusCodes)}, ${result.errors} errors, ${result.timeouts} timeouts`
  }
  process.stdout.write(
    ` ${fmt(result.rps, 0)} req/s, p50 ${fmt(result.p50, 1)} ms, p99 ${fmt(result.p99, 1)} ms` +
      `${result.non2xx ? `, ${result.non2xx} non-2xx` : ''}${done.apiLogLines ? `, ${done.apiLogLines} API log lines` : ''}\n`
  )
  if (done.warning) process.stdout.write(`    warning: ${done.warning}\n`)
  return done
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** One row for several rounds of a scenario: median req/s and p50, the worst p99, every count summed. */
function combineRounds (row: Omit<Row, keyof Measured>, rounds: Row[]): Row {
  if (rounds.length === 1) return { ...rounds[0]!, name: row.name }
  const numbers = (pick: (round: Row) => number | undefined) => rounds.map(pick).filter((value): value is number => value !== undefined)
  const sum = (pick: (round: Row) => number | undefined) => numbers(pick).reduce((total, value) => total + value, 0)
  const statusCodes: Record<string, number> = {}
  for (const round of rounds) {
    for (const [code, count] of Object.entries(round.statusCodes ?? {})) statusCodes[code] = (statusCodes[code] ?? 0) + count
  }
  const warnings = rounds.map((round) => round.warning).filter(Boolean)
  const peaks = numbers((round) => round.peakRssMB)
  return {
    ...row,
    rps: median(numbers((round) => round.rps)),
    p50: median(numbers((round) => round.p50)),
    p99: Math.max(...numbers((round) => round.p99)),
    p99Median: median(numbers((round) => round.p99)),
    non2xx: sum((round) => round.non2xx),
    errors: sum((round) => round.errors),
    timeouts: sum((round) => round.timeouts),
    total: sum((round) => round.total),
    statusCodes,
    rounds: rounds.map((round) => ({ rps: round.rps, p50: round.p50, p99: round.p99 })),
    ...(peaks.length ? { peakRssMB: Math.max(...peaks) } : {}),
    ...(row.kind === 'api' ? { apiLogLines: sum((round) => round.apiLogLines) } : {}),
    ...(warnings.length ? { warning: warnings.join('; ') } : {})
  }
}

function fmt (value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

// Request builders. Counters are global, so rotation continues across warm-up and connections.

let rotation = 0
function rotatingId (count: number): autocannon.Request {
  return {
    method: 'GET',
    path: '/products/1',
    setupRequest: (request) => {
      request.path = `/products/${1 + Math.floor(Math.random() * count)}`
      return request
    }
  }
}

function rotatingToken (path: string, tokens: string[]): autocannon.Request {
  return {
    method: 'GET',
    path,
    headers: { authorization: `Bearer ${tokens[0]}` },
    setupRequest: (request) => {
      request.headers = { authorization: `Bearer ${tokens[rotation++ % tokens.length]}` }
      return request
    }
  }
}

let written = 0
function newProductBody (): string {
  const n = ++written
  return JSON.stringify({
    title: `Bench product ${n}`,
    price: `${1 + (n % 9999)}.${String(n % 100).padStart(2, '0')}`,
    image: `https://example.com/bench/${n}.jpg`
  })
}

function createProduct (adminToken: string): autocannon.Request {
  return {
    method: 'POST',
    path: '/products',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: newProductBody(),
    setupRequest: (request) => {
      request.body = newProductBody()
      return request
    }
  }
}

const get = (path: string, headers?: Record<string, string>): autocannon.Request => ({ method: 'GET', path, ...(headers ? { headers } : {}) })

/** The search-and-sort scenario runs only once the API accepts `sort` (today it answers 400). */
async function probeSearch (url: string): Promise<string | null> {
  try {
    const response = await fetch(`${url}/products?sort=price`, { signal: AbortSignal.timeout(5000) })
    await response.body?.cancel()
    if (response.status === 200) return null
    if (response.status === 400) return 'skipped: search not available yet'
    return `skipped: GET /products?sort=price answered ${response.status}`
  } catch (error) {
    return `skipped: ${error instanceof Error ? error.message : String(error)}`
  }
}

const SEARCH_PATH = `/products?q=${SEARCH_WORD}&sort=-price&limit=20`

// ---------------------------------------------------------------------------------------------
// Reporting

const loadAtStart = os.loadavg()

function machine () {
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

function table (header: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((cell, column) => (rightAligned(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ')
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n')
}

function scenarioTable (rows: Row[]): string {
  return table(
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'baseline req/s', 'ratio'],
    rows.map((row) =>
      row.skipped
        ? [row.name, row.skipped, '', '', '', '', '']
        : [
            row.name,
            fmt(row.rps, 0),
            fmt(row.p50, 1),
            fmt(row.p99, 1),
            fmt(row.non2xx, 0),
            row.baselineRps === undefined ? '' : fmt(row.baselineRps, 0),
            row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`
          ]
    ),
    (column) => column > 0
  )
}

function writeJson (name: string, value: unknown): string {
  mkdirSync(RESULTS, { recursive: true })
  const file = join(RESULTS, name)
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`)
  return file
}

interface Target {
  target: string
  result: 'PASS' | 'FAIL' | 'n/a'
  detail: string
}

function checkTargets (rows: Row[], peakRssMB: number): Target[] {
  const byKey = new Map(rows.filter((row) => !row.skipped).map((row) => [row.key, row]))
  const targets: Target[] = []
  const ratio = (key: string, minimum: number, label: string) => {
    const row = byKey.get(key)
    if (!row || row.ratio === undefined) {
      targets.push({ target: label, result: 'n/a', detail: 'not measured' })
      return
    }
    const tainted = (row.non2xx ?? 0) > 0 ? ` (with ${row.non2xx} non-2xx: not a valid measurement)` : ''
    targets.push({
      target: label,
      result: row.ratio >= minimum && !tainted ? 'PASS' : 'FAIL',
      detail: `${row.ratio.toFixed(2)}x (${row.roundRatios ? `median of the rounds' ratios ${row.roundRatios.map((r) => r.toFixed(2)).join(' ')}; medians ` : ''}${fmt(row.rps, 0)} vs ${fmt(row.baselineRps, 0)} req/s), need >= ${minimum}x${tainted}`
    })
  }
  ratio('listing', 0.9, 'listing >= 0.9x bare Fastify + one prepared statement')
  ratio('me', 0.9, 'GET /me, one cached token >= 0.9x bare fast-jwt')
  ratio('me-10k', 0.85, `GET /me, ${settings.tokens} distinct tokens >= 0.85x bare fast-jwt`)
  for (const row of rows) {
    if (row.kind !== 'api' || !row.read || row.skipped || row.p50 === undefined || row.p99 === undefined) continue
    targets.push({
      target: `p99 <= 3x p50: ${row.name}`,
      result: row.p99 <= 3 * row.p50 ? 'PASS' : 'FAIL',
      detail: `p50 ${fmt(row.p50, 1)} ms, p99 ${fmt(row.p99, 1)} ms (${(row.p99 / Math.max(row.p50, 0.001)).toFixed(2)}x)` +
        (row.p99Median !== undefined && row.p99Median !== row.p99 ? `; the worst round's p99, the median round's is ${fmt(row.p99Median, 1)} ms` : '')
    })
  }
  const post = byKey.get('post')
  if (post?.rps === undefined) targets.push({ target: 'admin writes >= 3,000/s', result: 'n/a', detail: 'not measured' })
  else {
    const tainted = (post.non2xx ?? 0) > 0 ? ` (with ${post.non2xx} non-2xx: not a valid measurement)` : ''
    targets.push({
      target: 'admin writes >= 3,000/s',
      result: post.rps >= 3000 && !tainted ? 'PASS' : 'FAIL',
      detail: `${fmt(post.rps, 0)} writes/s${tainted}`
    })
  }
  targets.push({
    target: 'API peak RSS < 200 MB',
    result: peakRssMB > 0 ? (peakRssMB < 200 ? 'PASS' : 'FAIL') : 'n/a',
    detail: peakRssMB > 0 ? `${peakRssMB.toFixed(1)} MB (VmHWM)` : 'could not read /proc'
  })
  return targets
}

// ---------------------------------------------------------------------------------------------
// The standard run

async function mintTokens (issuer: TestIssuer): Promise<{ admin: string; rotating: string[]; ms: number }> {
  const started = performance.now()
  const admin = issuer.adminToken({ jti: randomUUID() })
  const rotating: string[] = []
  for (let i = 0; i < settings.tokens; i++) {
    rotating.push(issuer.token({ sub: `auth0|bench-user-${i % settings.subs}`, jti: randomUUID(), [issuer.roleClaim]: ['user'] }))
  }
  return { admin, rotating, ms: performance.now() - started }
}

function newTempDir (): string {
  const dir = mkdtempSync(join(os.tmpdir(), 'store-api-bench-'))
  tempDirs.add(dir)
  return dir
}

function removeTempDir (dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  tempDirs.delete(dir)
}

async function standardRun (issuer: TestIssuer, building: Promise<void>): Promise<void> {
  const dir = newTempDir()
  const dbPath = join(dir, 'bench.db')
  const tokens = await mintTokens(issuer)
  process.stdout.write(`minted 1 admin token and ${settings.tokens} tokens over ${settings.subs} subjects (distinct jti) in ${(tokens.ms / 1000).toFixed(1)} s\n`)
  const seed = seedDatabase(dbPath, settings.products)
  process.stdout.write(`seeded ${settings.products.toLocaleString('en-US')} products in ${(seed.ms / 1000).toFixed(1)} s (${(seed.bytes / 1024 / 1024).toFixed(1)} MB${seed.extraColumns.length ? `; also filled ${seed.extraColumns.join(', ')}` : ''})\n`)
  await building

  const api = await startApi(issuer, dbPath, 'bench')
  const listingBase = await startBaseline('listing', { BASELINE_DB: dbPath })
  const jwtBase = await startBaseline('jwt', {
    BASELINE_PUBLIC_KEY: issuer.key.publicKey.export({ type: 'spki', format: 'pem' }).toString()
  })
  const watch = [api.child, listingBase.child, jwtBase.child]
  process.stdout.write(
    `API pid ${api.child.pid} at ${api.url} (NODE_ENV=production, LOG_LEVEL=${settings.logLevel}, RSS ${api.readyRssMB.toFixed(1)} MB when ready); baselines at ${listingBase.url} and ${jwtBase.url}\n` +
      `${settings.connections} connections, pipelining ${settings.pipelining}, ${settings.warmup} s warm-up + ${settings.duration} s per scenario; ${settings.rounds} alternating rounds against each baseline\n` +
      `${PINNED ? 'servers pinned to core 1, load generator to core 0 (taskset)' : 'not pinned to cores'}\n\n`
  )

  const rows: Row[] = []
  const adminHeaders = { authorization: `Bearer ${tokens.admin}` }
  const scenario = async (row: Omit<Row, keyof Measured>, url: string, load: Load, onApi: boolean) => {
    const result = await runScenario(row, url, load, onApi ? api : null, watch)
    rows.push(result)
    return result
  }
  const compare = (row: Row, baseline: Row | undefined) => {
    if (!baseline?.rps || row.rps === undefined) return
    row.baselineKey = baseline.key
    row.baselineRps = baseline.rps
    row.ratio = row.rps / baseline.rps
  }

  // Machine noise on 2 shared cores moves req/s by tens of percent from one minute to the next,
  // so a scenario and its baseline take turns (B A, A B, B A, ...) and the medians are compared.
  const paired = async (apiRow: Omit<Row, keyof Measured>, baseRow: Omit<Row, keyof Measured>, baseUrl: string, load: Load) => {
    const apiRounds: Row[] = []
    const baseRounds: Row[] = []
    for (let round = 0; round < settings.rounds; round++) {
      const tag = settings.rounds > 1 ? ` [round ${round + 1}/${settings.rounds}]` : ''
      const runBase = async () => baseRounds.push(await runScenario({ ...baseRow, name: baseRow.name + tag }, baseUrl, load, null, watch))
      const runApi = async () => apiRounds.push(await runScenario({ ...apiRow, name: apiRow.name + tag }, api.url, load, api, watch))
      if (round % 2 === 0) {
        await runBase()
        await runApi()
      } else {
        await runApi()
        await runBase()
      }
    }
    const base = combineRounds(baseRow, baseRounds)
    const result = combineRounds(apiRow, apiRounds)
    rows.push(base, result)
    compare(result, base)
    // Each round against the baseline round beside it: the machine's drift between rounds cancels.
    const roundRatios = apiRounds.map((round, index) => (round.rps ?? 0) / (baseRounds[index]?.rps || Number.NaN))
    if (roundRatios.every(Number.isFinite)) {
      result.roundRatios = roundRatios
      result.ratio = median(roundRatios)
    }
  }

  if (wanted('health')) {
    await paired({ key: 'health', name: 'GET /health', kind: 'api', read: true }, { key: 'base-health', name: '[baseline] bare Fastify GET /health', kind: 'baseline', read: true }, listingBase.url, { requests: [get('/health')] })
  }
  if (wanted('listing')) {
    await paired({ key: 'listing', name: 'GET /products?limit=20 (anonymous)', kind: 'api', read: true }, { key: 'base-listing', name: '[baseline a] bare Fastify + 1 prepared stmt, 20 products', kind: 'baseline', read: true }, listingBase.url, { requests: [get('/products?limit=20')] })
  }
  if (wanted('get')) {
    await scenario({ key: 'get', name: `GET /products/:id (random of ${settings.products})`, kind: 'api', read: true }, api.url, { requests: [rotatingId(settings.products)] }, true)
  }
  if (wanted('search')) {
    const skipped = await probeSearch(api.url)
    if (skipped) {
      process.stdout.write(`  GET ${SEARCH_PATH}: ${skipped}\n`)
      rows.push({ key: 'search', name: `GET ${SEARCH_PATH}`, kind: 'api', read: true, skipped })
    } else {
      await scenario({ key: 'search', name: `GET ${SEARCH_PATH}`, kind: 'api', read: true }, api.url, { requests: [get(SEARCH_PATH)] }, true)
    }
  }
  if (wanted('me')) {
    await paired({ key: 'me', name: 'GET /me, 1 admin token (cache hit)', kind: 'api', read: true }, { key: 'base-jwt', name: '[baseline b] bare Fastify + fast-jwt, 1 token', kind: 'baseline', read: true }, jwtBase.url, { requests: [get('/me', adminHeaders)] })
  }
  if (wanted('me-10k')) {
    await paired({ key: 'me-10k', name: `GET /me, ${settings.tokens} tokens / ${settings.subs} subs`, kind: 'api', read: true }, { key: 'base-jwt-10k', name: `[baseline b] bare Fastify + fast-jwt, ${settings.tokens} tokens`, kind: 'baseline', read: true }, jwtBase.url, { requests: [rotatingToken('/me', tokens.rotating)] })
  }
  if (wanted('post')) {
    await scenario({ key: 'post', name: 'POST /products (admin)', kind: 'api', read: false }, api.url, { requests: [createProduct(tokens.admin)] }, true)
  }
  if (wanted('mix')) {
    // Each connection cycles through these ten: 5 listings, 4 gets, 1 write.
    const mix: autocannon.Request[] = []
    for (let i = 0; i < 9; i++) mix.push(i % 2 === 0 ? get('/products?limit=20') : rotatingId(settings.products))
    mix.push(createProduct(tokens.admin))
    await scenario({ key: 'mix', name: 'mix: 90% GET (list/:id), 10% POST', kind: 'api', read: false }, api.url, { requests: mix }, true)
  }

  const peakRssMB = await stopApi(api)
  await stopChild(listingBase.child)
  await stopChild(jwtBase.child)
  removeTempDir(dir)

  const targets = checkTargets(rows, peakRssMB)
  process.stdout.write(
    `\n${scenarioTable(rows)}\n\nAPI peak RSS: ${peakRssMB.toFixed(1)} MB (VmHWM of the API process over the whole run; ${api.readyRssMB.toFixed(1)} MB when ready, before any load)\n\n`
  )
  for (const target of targets) process.stdout.write(`${target.result.padEnd(4)}  ${target.target}: ${target.detail}\n`)
  const file = writeJson('latest.json', {
    machine: machine(),
    settings: {
      products: settings.products,
      durationSeconds: settings.duration,
      warmupSeconds: settings.warmup,
      rounds: settings.rounds,
      pinned: PINNED,
      connections: settings.connections,
      pipelining: settings.pipelining,
      apiLogLevel: settings.logLevel,
      tokens: settings.tokens,
      subjects: settings.subs,
      tokenChoice: `${settings.tokens} tokens over ${settings.subs} subjects, each with a distinct jti; userinfo stays cached per subject`,
      baselineVerifier: "fast-jwt createVerifier({ key, algorithms: ['RS256'], cache: true }) (fast-jwt's cache: true holds 1000 entries)",
      profile: settings.profile,
      seed: { ms: Math.round(seed.ms), bytes: seed.bytes, extraColumns: seed.extraColumns }
    },
    buildWarning,
    scenarios: rows,
    peakRssMB: Number(peakRssMB.toFixed(1)),
    readyRssMB: Number(api.readyRssMB.toFixed(1)),
    targets,
    profile: api.profileFile
  })
  process.stdout.write(`\nwritten ${file}\n`)
}

// ---------------------------------------------------------------------------------------------
// Growth: the read paths against 1k .. 1M products

interface DeepPaging {
  method: 'constructed' | 'followed' | 'unavailable'
  /** Products before the deep page (the page starts after this many rows). */
  depth: number
  cursor: string | null
  requestsToReach: number
  firstPageMedianMs: number
  deepPageMedianMs: number
  note?: string
}

async function getJson (url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  const text = await response.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    // not JSON
  }
  return { status: response.status, body }
}

async function medianMs (url: string, times = 30): Promise<number> {
  const spent: number[] = []
  for (let i = 0; i < times; i++) {
    const started = performance.now()
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) })
    await response.arrayBuffer()
    spent.push(performance.now() - started)
  }
  spent.sort((a, b) => a - b)
  return spent[Math.floor(spent.length / 2)] ?? Number.NaN
}

/**
 * A cursor for the page in the middle of the table. The API's cursor (src/lib/cursor.ts) is
 * opaque base64url JSON; src/routes/products.ts makes it `{"s": <sort>, "v": <sort value>,
 * "id": <last id>}` (it was `{"afterId": <last id>}` before sorting existed). With the default
 * id order every field holding the first page's last id is the position, so the middle cursor
 * is that cursor with those fields set to the middle id, then checked (the page must start
 * at middle + 1). If that does not work, the cursors are followed, 100 a page, for at most 60 s.
 */
async function deepCursor (url: string, size: number): Promise<Omit<DeepPaging, 'firstPageMedianMs' | 'deepPageMedianMs'>> {
  const depth = Math.floor(size / 2)
  const first = await getJson(`${url}/products?limit=20`)
  const items = (first.body.items ?? []) as Array<{ id?: unknown }>
  const next = first.body.nextCursor
  if (first.status !== 200 || typeof next !== 'string') {
    return { method: 'unavailable', depth: 0, cursor: null, requestsToReach: 1, note: `first page: status ${first.status}, nextCursor ${String(next)}` }
  }
  let decoded: unknown = null
  try {
    decoded = JSON.parse(Buffer.from(next, 'base64url').toString('utf8'))
  } catch {
    // not JSON: follow the cursors below
  }
  const lastId = items[items.length - 1]?.id
  if (decoded !== null && typeof decoded === 'object' && !Array.isArray(decoded) && typeof lastId === 'number') {
    const fields = Object.entries(decoded as Record<string, unknown>)
    if (fields.some(([, value]) => value === lastId)) {
      // Seeded ids are 1..size in order, so the row after `depth` rows has id depth + 1.
      const position = Object.fromEntries(fields.map(([key, value]) => [key, value === lastId ? depth : value]))
      const cursor = Buffer.from(JSON.stringify(position)).toString('base64url')
      const check = await getJson(`${url}/products?limit=20&cursor=${cursor}`)
      const firstId = ((check.body.items ?? []) as Array<{ id?: unknown }>)[0]?.id
      if (check.status === 200 && firstId === depth + 1) {
        return { method: 'constructed', depth, cursor, requestsToReach: 2, note: `cursor ${JSON.stringify(position)}` }
      }
    }
  }
  let cursor: string = next
  let seen = items.length
  let requests = 1
  const deadline = Date.now() + 60_000
  while (seen < depth && Date.now() < deadline) {
    const page = await getJson(`${url}/products?limit=100&cursor=${encodeURIComponent(cursor)}`)
    requests++
    const pageItems = (page.body.items ?? []) as unknown[]
    if (page.status !== 200 || typeof page.body.nextCursor !== 'string') break
    seen += pageItems.length
    cursor = page.body.nextCursor
  }
  return { method: 'followed', depth: seen, cursor, requestsToReach: requests, ...(seen < depth ? { note: `stopped at ${seen} of ${depth}` } : {}) }
}

async function growthRun (issuer: TestIssuer, building: Promise<void>): Promise<void> {
  await building
  const results: Array<{ size: number; seed: Omit<SeedResult, 'path'>; readyRssMB: number; peakRssMB: number; scenarios: Row[]; deepPaging: DeepPaging }> = []
  for (const size of settings.sizes) {
    const dir = newTempDir()
    const dbPath = join(dir, `growth-${size}.db`)
    process.stdout.write(`\n== ${size.toLocaleString('en-US')} products\n`)
    const seed = seedDatabase(dbPath, size)
    process.stdout.write(`  seeded in ${(seed.ms / 1000).toFixed(1)} s (${(seed.bytes / 1024 / 1024).toFixed(1)} MB)\n`)
    const api = await startApi(issuer, dbPath, `growth-${size}`)
    const rows: Row[] = []
    const scenario = async (row: Omit<Row, keyof Measured>, load: Load) => {
      rows.push(await runScenario(row, api.url, load, api, [api.child]))
    }
    await scenario({ key: 'listing', name: 'GET /products?limit=20', kind: 'api', read: true }, { requests: [get('/products?limit=20')] })
    await scenario({ key: 'get', name: 'GET /products/:id (random)', kind: 'api', read: true }, { requests: [rotatingId(size)] })
    const skipped = await probeSearch(api.url)
    if (skipped) {
      process.stdout.write(`  GET ${SEARCH_PATH}: ${skipped}\n`)
      rows.push({ key: 'search', name: `GET ${SEARCH_PATH}`, kind: 'api', read: true, skipped })
    } else {
      await scenario({ key: 'search', name: `GET ${SEARCH_PATH}`, kind: 'api', read: true }, { requests: [get(SEARCH_PATH)] })
    }
    const deep = await deepCursor(api.url, size)
    const deepPath = deep.cursor ? `/products?limit=20&cursor=${encodeURIComponent(deep.cursor)}` : null
    const paging: DeepPaging = {
      ...deep,
      firstPageMedianMs: await medianMs(`${api.url}/products?limit=20`),
      deepPageMedianMs: deepPath ? await medianMs(`${api.url}${deepPath}`) : Number.NaN
    }
    if (deepPath) {
      // 10 connections, no pipelining: at 1M products one deep page can take tens of ms, and
      // 1000 requests in flight would queue for longer than the measurement.
      await scenario(
        { key: 'deep', name: `GET /products?limit=20&cursor=<after ${deep.depth}> (10 conn, no pipelining)`, kind: 'api', read: true },
        { requests: [get(deepPath)], connections: 10, pipelining: 1 }
      )
    }
    process.stdout.write(
      `  deep paging (${paging.method}${paging.note ? `, ${paging.note}` : ''}): one request alone, median of 30: ` +
        `first page ${paging.firstPageMedianMs.toFixed(2)} ms, page after ${paging.depth} products ${paging.deepPageMedianMs.toFixed(2)} ms\n`
    )
    const peakRssMB = await stopApi(api)
    removeTempDir(dir)
    const { path: _path, ...seedInfo } = seed
    results.push({ size, seed: seedInfo, readyRssMB: Number(api.readyRssMB.toFixed(1)), peakRssMB, scenarios: rows, deepPaging: paging })
  }

  const lines: string[][] = []
  for (const result of results) {
    for (const row of result.scenarios) {
      lines.push(
        row.skipped
          ? [result.size.toLocaleString('en-US'), row.name, row.skipped, '', '', '', '']
          : [result.size.toLocaleString('en-US'), row.name, fmt(row.rps, 0), fmt(row.p50, 1), fmt(row.p99, 1), fmt(row.non2xx, 0), fmt(result.peakRssMB, 1)]
      )
    }
  }
  process.stdout.write(`\n${table(['products', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'API peak RSS MB'], lines, (column) => column > 1)}\n\n`)
  process.stdout.write(`${table(
    ['products', 'seed s', 'db MB', 'cursor', 'first page ms (alone)', 'middle page ms (alone)', 'middle/first'],
    results.map((result) => [
      result.size.toLocaleString('en-US'),
      (result.seed.ms / 1000).toFixed(1),
      (result.seed.bytes / 1024 / 1024).toFixed(1),
      result.deepPaging.method,
      result.deepPaging.firstPageMedianMs.toFixed(2),
      result.deepPaging.deepPageMedianMs.toFixed(2),
      `${(result.deepPaging.deepPageMedianMs / result.deepPaging.firstPageMedianMs).toFixed(1)}x`
    ]),
    (column) => column !== 3
  )}\n`)
  const file = writeJson('growth.json', {
    machine: machine(),
    settings: {
      sizes: settings.sizes,
      durationSeconds: settings.duration,
      warmupSeconds: settings.warmup,
      connections: settings.connections,
      pipelining: settings.pipelining,
      apiLogLevel: settings.logLevel,
      profile: settings.profile
    },
    buildWarning,
    results
  })
  process.stdout.write(`\nwritten ${file}\n`)
}

// ---------------------------------------------------------------------------------------------

async function main (): Promise<void> {
  const scenarioCount = GROWTH ? settings.sizes.length * 4 : 4 + 8 * settings.rounds
  const budgetMs = (scenarioCount * (settings.duration + settings.warmup + 30) + 900) * 1000
  // Nothing may hang: past this budget every child is killed and the run fails.
  setTimeout(() => {
    process.stderr.write(`bench: still running after ${Math.round(budgetMs / 1000)} s; giving up\n`)
    process.exit(1)
  }, budgetMs).unref()

  const started = Date.now()
  process.stdout.write(`store-api bench${GROWTH ? ' (growth)' : ''} on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}\n`)
  const [load1 = 0] = loadAtStart
  if (load1 > os.cpus().length * 0.25) {
    process.stdout.write(`WARNING: the 1-minute load average is ${load1.toFixed(2)} before starting: other processes share the CPU, so the numbers will be noisy\n`)
  }
  const building = args['skip-build'] ? Promise.resolve() : build()
  // Surfaces a build failure at once, even while tokens are being minted.
  building.catch(() => {})
  process.stdout.write(args['skip-build'] ? 'using the existing dist/ (--skip-build)\n' : 'building dist/ (npm run build) ...\n')
  const issuer = await TestIssuer.start()
  try {
    if (GROWTH) await growthRun(issuer, building)
    else await standardRun(issuer, building)
  } finally {
    await issuer.close()
  }
  process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\nbench: the run broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  }
)
