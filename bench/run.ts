/**
 * `npm run bench` / `npm run bench:growth`: the command line and the order of a run
 * (`tsx bench/run.ts --help`). See bench/README.md.
 */
import os from 'node:os'
import { type BeforeBuild, buildBefore } from './before.js'
import { printBeforeAfter } from './before-report.js'
import { build, cleanup, installExitHandlers, newTempDir, removeStaleTempDirs, removeTempDir, type Child } from './children.js'
import { prepareDatabase } from './database.js'
import { growthRun } from './growth.js'
import { type BenchIssuer, startBenchIssuer } from './issuer.js'
import { type Contender, interleaved, type Row, runScenario } from './load.js'
import { parseSettings, type Settings } from './options.js'
import { policyDifference } from './policy-check.js'
import { reportStandardRun, startLoadAverage } from './report.js'
import { type Scenario, standardScenarios, type Tokens } from './scenarios.js'
import { type ApiProcess, type BaselineProcess, pinLoadGenerator, startApi, startBaseline, startScriptNodeFlags, stopApi, stopBaseline } from './server-process.js'

function mintTokens (issuer: BenchIssuer, settings: Settings): Tokens & { ms: number } {
  const started = performance.now()
  const admin = issuer.token('auth0|bench-admin', ['admin'])
  const rotating: string[] = []
  for (let i = 0; i < settings.tokens; i++) rotating.push(issuer.token(`auth0|bench-user-${i % settings.subs}`, ['user']))
  return { admin, rotating, ms: performance.now() - started }
}

interface Servers {
  api: ApiProcess
  policy: BaselineProcess
  bare: BaselineProcess
  floor: BaselineProcess
  /** --before: the earlier revision's server. */
  before: { api: ApiProcess; build: BeforeBuild } | null
}

const BASELINE_TITLES = {
  policy: '[baseline a] same policy, stock plugins',
  bare: '[baseline b] bare parts, same policy by hand',
  floor: '[floor c] bare Fastify, no policy'
} as const

async function runOne (scenario: Scenario, servers: Servers, settings: Settings): Promise<Row[]> {
  const { api } = servers
  const baselineProcesses = [servers.policy, servers.bare, servers.floor]
  const watch: Child[] = [api.child, ...baselineProcesses.map((baseline) => baseline.child), ...(servers.before ? [servers.before.api.child] : [])]
  const head = { key: scenario.key, name: scenario.name, kind: 'api' as const, read: scenario.read }
  const skipped = scenario.probe ? await scenario.probe(api.url) : null
  if (skipped) {
    process.stdout.write(`  ${scenario.name}: ${skipped}\n`)
    return [{ ...head, skipped }]
  }
  const apiTarget = { url: api.url, child: api.child, rss: api.rss }
  if (!scenario.baseline) return [await runScenario(head, apiTarget, scenario.load, settings, watch)]
  const baselines: Contender[] = baselineProcesses.map((target) => ({
    head: { key: `${target.kind}-${scenario.key}`, name: `${BASELINE_TITLES[target.kind]}, ${scenario.baseline}`, kind: target.kind, read: true },
    target
  }))
  if (servers.before) {
    const { api: old, build } = servers.before
    baselines.push({ head: { key: `before-${scenario.key}`, name: `[before ${build.short}] ${scenario.name}`, kind: 'before', read: true }, target: { url: old.url, child: old.child, rss: old.rss } })
  }
  return interleaved({ head, target: apiTarget }, baselines, scenario.load, settings, watch)
}

async function startServers (issuer: BenchIssuer, databaseUrl: string, settings: Settings, beforeBuild: BeforeBuild | null): Promise<Servers> {
  const api = await startApi({ issuer, databaseUrl, label: 'bench', logLevel: settings.logLevel, profile: settings.profile })
  const options = { databaseUrl, publicKeyPem: issuer.publicKeyPem, roleClaim: issuer.roleClaim, logLevel: settings.logLevel }
  const baselines = { policy: await startBaseline('policy', options), bare: await startBaseline('bare', options), floor: await startBaseline('floor', options) }
  // The earlier build as it shipped, on the same database; /ready waits for its own warm-up.
  const before = beforeBuild
    ? { build: beforeBuild, api: await startApi({ issuer, databaseUrl, label: `before ${beforeBuild.short}`, logLevel: settings.logLevel, profile: false, root: beforeBuild.root, readyTimeoutMs: 180_000 }) }
    : null
  return { api, ...baselines, before }
}

async function standardRun (issuer: BenchIssuer, settings: Settings, building: Promise<string | null>, beforeBuilding: Promise<BeforeBuild | null>): Promise<void> {
  const dir = newTempDir()
  const tokens = mintTokens(issuer, settings)
  process.stdout.write(`minted 1 admin token and ${settings.tokens} tokens over ${settings.subs} subjects (distinct jti) in ${(tokens.ms / 1000).toFixed(1)} s\n`)
  const buildWarning = await building
  const { db, seed } = await prepareDatabase({ backend: settings.backend, dir, name: 'bench', products: settings.products, issuer })
  process.stdout.write(`seeded ${settings.products.toLocaleString('en-US')} products (${settings.backend}) in ${(seed.ms / 1000).toFixed(1)} s${seed.bytes ? ` (${(seed.bytes / 1024 / 1024).toFixed(1)} MB)` : ''}${seed.extraColumns.length ? `; also filled ${seed.extraColumns.join(', ')}` : ''}\n`)

  const beforeBuild = await beforeBuilding
  const servers = await startServers(issuer, db.url, settings, beforeBuild)
  const { api, policy, bare, floor, before } = servers
  const policyWarning = await policyDifference(api.url, { policy: policy.url, bare: bare.url })
  process.stdout.write(
    `API pid ${api.child.pid} at ${api.url} (NODE_ENV=production, LOG_LEVEL=${settings.logLevel}, ${settings.backend}, RSS ${api.readyRssMB.toFixed(1)} MB when ready); baselines: same policy (a) at ${policy.url}, bare parts (b) at ${bare.url}, no policy (c) at ${floor.url}\n` +
      `${settings.generator}, ${settings.connections} connections, pipelining ${settings.pipelining}, ${settings.warmup} s warm-up + ${settings.duration} s per run; ${settings.rounds} rounds of API, (a), (b) and (c) in turn per paired scenario\n` +
      `${pinned ? 'servers pinned to core 1, load generator to core 0 (taskset)' : 'not pinned to cores'}\n` +
      `${before ? `before: ${before.build.commit} (--before ${before.build.rev}) built in a temporary copy, pid ${before.api.child.pid} at ${before.api.url}, same database and env, its own npm start flags (${startScriptNodeFlags(before.build.root).join(' ') || 'none'}), RSS ${before.api.readyRssMB.toFixed(1)} MB when ready; dependencies: ${before.build.dependencies}\n` : ''}` +
      `${policyWarning ? `WARNING: ${policyWarning}\n` : ''}\n`
  )

  const rows: Row[] = []
  for (const scenario of standardScenarios({ products: settings.products, tokens, subs: settings.subs })) {
    if (settings.only === null || settings.only.has(scenario.key)) rows.push(...await runOne(scenario, servers, settings))
  }

  const peakRssMB = await stopApi(api)
  const baselinePeaks = { policy: await stopBaseline(policy), bare: await stopBaseline(bare), floor: await stopBaseline(floor) }
  const beforePeak = before ? await stopApi(before.api) : 0
  before?.build.remove()
  await db.drop()
  removeTempDir(dir)

  reportStandardRun({
    rows,
    peaks: { api: peakRssMB, apiReady: api.readyRssMB, ...baselinePeaks },
    seed,
    buildWarning,
    policyWarning,
    profileFile: api.profileFile,
    before: before ? { commit: before.build.commit, rev: before.build.rev, dependencies: before.build.dependencies, buildWarning: before.build.buildWarning, readyRssMB: before.api.readyRssMB, peakRssMB: beforePeak } : null
  }, settings, pinned)
  if (before) printBeforeAfter(rows, before.build)
}

let pinned = false

/** Nothing may hang: past this budget every child is killed and the run fails. */
function armBudget (settings: Settings): void {
  const runs = settings.growth ? settings.sizes.length * 4 : 4 + (settings.before ? 25 : 20) * settings.rounds
  const budgetMs = (runs * (settings.duration + settings.warmup + 30) + 900) * 1000
  setTimeout(() => {
    process.stderr.write(`bench: still running after ${Math.round(budgetMs / 1000)} s; giving up\n`)
    cleanup().finally(() => process.exit(1))
  }, budgetMs).unref()
}

async function main (): Promise<void> {
  const settings = parseSettings()
  installExitHandlers()
  removeStaleTempDirs()
  armBudget(settings)
  pinned = pinLoadGenerator(settings.pin)
  const started = Date.now()
  process.stdout.write(`store-api bench${settings.growth ? ' (growth)' : ''} on ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}\n`)
  if (startLoadAverage() > os.cpus().length * 0.25) {
    process.stdout.write(`WARNING: the 1-minute load average is ${startLoadAverage().toFixed(2)} before starting: other processes share the CPU, so the numbers will be noisy\n`)
  }
  const building = settings.skipBuild ? Promise.resolve(null) : build()
  building.then((warning) => warning && process.stdout.write(`WARNING: ${warning}\n`), () => {})
  const beforeBuilding = settings.before ? buildBefore(settings.before) : Promise.resolve(null)
  beforeBuilding.then((built) => built?.buildWarning && process.stdout.write(`WARNING (before): ${built.buildWarning}\n`), () => {})
  if (settings.before) process.stdout.write(`building ${settings.before.commit} (--before ${settings.before.rev}) in a temporary copy ...\n`)
  process.stdout.write(settings.skipBuild ? 'using the existing dist/ (--skip-build)\n' : 'building dist/ (npm run build) ...\n')
  const issuerDir = newTempDir()
  const issuer = await startBenchIssuer(issuerDir)
  try {
    if (settings.growth) await growthRun(issuer, settings, await building)
    else await standardRun(issuer, settings, building, beforeBuilding)
  } finally {
    await issuer.close()
  }
  process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(0)} s\n`)
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    process.stderr.write(`\nbench: the run broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    await cleanup()
    process.exit(1)
  }
)
