/**
 * The API (the built server, `node dist/server.js`) and the baselines as real processes, with
 * the node flags `npm start` uses, pinned to the server core when pinning is on.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Child, RESULTS, ROOT, baseEnv, freePort, startChild, stopChild, waitFor } from './children.js'
import type { BenchIssuer } from './issuer.js'
import { formatSummary, summariseProfile } from './profile-summary.js'
import { RssSampler } from './proc-stats.js'

/** Every budget out of reach: a benchmark must not measure 429s. */
export const RATE_LIMIT = '100000000'
const PARENT_WATCH = pathToFileURL(join(ROOT, 'bench', 'parent-watch.mjs')).href

let pinned = false

/**
 * Pins this process (the load generator) to core 0 so that the servers, started later with
 * serverCommand, get core 1 (bench/README.md says why). Returns whether pinning is on.
 */
export function pinLoadGenerator (enabled: boolean): boolean {
  pinned = enabled && os.cpus().length >= 2 &&
    spawnSync('taskset', ['-a', '-cp', '0', String(process.pid)], { stdio: 'ignore' }).status === 0
  return pinned
}

function serverCommand (argv: string[]): [string, string[]] {
  return pinned ? ['taskset', ['-c', '1', process.execPath, ...argv]] : [process.execPath, argv]
}

/** The node flags of `npm start` in `root`, given to the API and the baselines alike. */
export function startScriptNodeFlags (root = ROOT): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  const match = /^node((?:\s+--\S+)*)\s+dist\/server\.js$/.exec(scripts.start ?? '')
  if (!match) throw new Error(`package.json's start script is not "node [--flags] dist/server.js": ${scripts.start}`)
  return match[1]!.trim().split(/\s+/).filter(Boolean)
}

export interface ApiProcess {
  child: Child
  url: string
  rss: RssSampler
  profileFile: string | null
  /** RSS once /ready answered, before any load. */
  readyRssMB: number
}

export interface ApiOptions {
  issuer: BenchIssuer
  databaseUrl: string
  label: string
  logLevel: string
  profile: boolean
  /** The checkout whose dist/server.js runs (this one by default; --before's build). */
  root?: string
  /** How long /ready may take (an old build's self warm-up runs before it answers). */
  readyTimeoutMs?: number
}

function cpuProfileArgs (label: string): { args: string[]; file: string } {
  mkdirSync(RESULTS, { recursive: true })
  const name = `api-${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`
  return { args: ['--cpu-prof', '--cpu-prof-dir', RESULTS, '--cpu-prof-name', name], file: join(RESULTS, name) }
}

/** A start that failed because the build does not take a postgres:// DATABASE_URL gets one clear line. */
function explainStartFailure (error: unknown, databaseUrl: string): Error {
  const message = error instanceof Error ? error.message : String(error)
  if (/^postgres(ql)?:/.test(databaseUrl) && /DATABASE_URL/.test(message)) {
    return new Error(
      '--backend pg: the API refused its DATABASE_URL=postgres://... This build has no PostgreSQL adapter yet ' +
        `(src/config.ts must accept postgres:// URLs); use --backend sqlite until it has. The API said:\n${message}`
    )
  }
  return error instanceof Error ? error : new Error(message)
}

export async function startApi (options: ApiOptions): Promise<ApiProcess> {
  const port = await freePort()
  const root = options.root ?? ROOT
  const nodeArgs = startScriptNodeFlags(root)
  const profile = options.profile ? cpuProfileArgs(options.label) : null
  if (profile) nodeArgs.push(...profile.args)
  // parent-watch stops the API if this process is killed before it can stop it.
  nodeArgs.push('--import', PARENT_WATCH)
  const child = startChild(`API (${options.label})`, ...serverCommand([...nodeArgs, join(root, 'dist', 'server.js')]), {
    ...baseEnv(),
    NODE_ENV: 'production',
    LOG_LEVEL: options.logLevel,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    AUTH0_ISSUER_BASE_URL: options.issuer.url,
    AUTH0_AUDIENCE: options.issuer.audience,
    AUTH0_ROLE_CLAIM: options.issuer.roleClaim,
    RATE_LIMIT_READS: RATE_LIMIT,
    RATE_LIMIT_WRITES: RATE_LIMIT,
    RATE_LIMIT_AUTH_FAILURES: RATE_LIMIT
  }, root)
  const url = `http://127.0.0.1:${port}`
  try {
    await waitFor(`${url}/ready`, child, options.readyTimeoutMs)
  } catch (error) {
    await stopChild(child, 1000)
    throw explainStartFailure(error, options.databaseUrl)
  }
  const rss = new RssSampler(child.pid)
  rss.start()
  const readyRssMB = (rss.read()?.rssKb ?? 0) / 1024
  return { child, url, rss, profileFile: profile?.file ?? null, readyRssMB }
}

/** Stops the API gracefully (so that --cpu-prof writes its profile); returns its peak RSS in MB. */
export async function stopApi (api: ApiProcess): Promise<number> {
  const peak = api.rss.finish()
  await stopChild(api.child)
  if (api.profileFile) {
    if (existsSync(api.profileFile)) process.stdout.write(`\n${formatSummary(summariseProfile(api.profileFile))}\n`)
    else process.stdout.write(`\n(no CPU profile was written at ${api.profileFile})\n`)
  }
  return peak
}

/**
 * `policy`: the API's per-response policy from stock plugins; `bare`: the bare parts with the
 * same policy written by hand; `floor`: bare Fastify with no policy at all.
 */
export type BaselineKind = 'policy' | 'bare' | 'floor'

export interface BaselineProcess {
  kind: BaselineKind
  child: Child
  url: string
  rss: RssSampler
}

export interface BaselineOptions {
  databaseUrl: string
  publicKeyPem: string
  roleClaim: string
  logLevel: string
}

export async function startBaseline (kind: BaselineKind, options: BaselineOptions): Promise<BaselineProcess> {
  const port = await freePort()
  const script = join(ROOT, 'bench', 'baselines', `${kind}.mjs`)
  const child = startChild(`baseline (${kind})`, ...serverCommand([...startScriptNodeFlags(), script]), {
    ...baseEnv(),
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: options.databaseUrl,
    PUBLIC_KEY_PEM: options.publicKeyPem,
    ROLE_CLAIM: options.roleClaim,
    LOG_LEVEL: options.logLevel,
    RATE_LIMIT_READS: RATE_LIMIT
  })
  const url = `http://127.0.0.1:${port}`
  await waitFor(`${url}/health`, child)
  const rss = new RssSampler(child.pid)
  rss.start()
  return { kind, child, url, rss }
}

/** Stops a baseline; returns its peak RSS in MB. */
export async function stopBaseline (baseline: BaselineProcess): Promise<number> {
  const peak = baseline.rss.finish()
  await stopChild(baseline.child)
  return peak
}
