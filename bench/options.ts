/** The command line of `npm run bench`. */
import { parseArgs } from 'node:util'
import { resolveRevision, type Revision } from './before.js'
import { BACKENDS, type Backend } from './database.js'
import { SCENARIO_KEYS } from './scenarios.js'
import { wrkAvailable } from './wrk.js'

export const USAGE = `npm run bench -- [options]     (tsx bench/run.ts [options])

Builds the production server, makes a database (SQLite file or a fresh PostgreSQL database),
starts the development issuer here and the real server (node dist/server.js) as a child, loads
it with autocannon next to three baselines, and prints and saves the results
(bench/results/latest.json or growth.json). Exit code non-zero only when the run itself broke.

  --backend B       sqlite (default) or pg: a database created for the run on BENCH_PG_URL
                    (default postgres://postgres@127.0.0.1:5432/postgres) and dropped after it
  --products N      products seeded (default 10000, or BENCH_PRODUCTS)
  --duration S      seconds per scenario and round (default 5; or BENCH_DURATION)
  --warmup S        unmeasured seconds before each run (default 1; 0 to skip)
  --rounds N        rounds of each paired scenario, the API and the three baselines taking
                    turns (default 5); req/s and p50 are the rounds' medians, the table's p99
                    the worst round's (the tail target reads the median round's), each ratio
                    the median of the rounds' ratios
  --connections N   autocannon connections (default 50)
  --pipelining N    requests in flight per connection (default 1: none, as clients do);
                    e.g. --pipelining 10 --connections 100 for the old pipelined load
  --generator G     autocannon (default) or wrk (Debian's wrk on PATH; one thread, no
                    pipelining): a C load generator spends less of its core per response
  --tokens N        distinct tokens for the rotating /me scenario (default 10000)
  --subs N          distinct subjects among them (default 100)
  --log-level L     LOG_LEVEL of the API and the same-policy baseline (default warn)
  --only a,b        only these scenarios (${SCENARIO_KEYS.join(', ')})
  --no-pin          do not pin (by default, with taskset and 2+ cores, the servers run on
                    core 1 and this process, the load generator, on core 0)
  --profile         run the API with --cpu-prof into bench/results/ and summarise the profile
  --skip-build      use the existing dist/ (no npm run build)
  --before REV      also build the server at git revision REV (e.g. 89dd02a) in a temporary
                    copy and run it as one more server in the paired rounds, on the same
                    database, with its own npm start flags; the table and a before/after
                    block print both, with the after/before ratio
  --growth          listing, search and get-by-id (and deep cursor paging) per database size
  --sizes a,b       sizes for --growth (default 1000,10000,100000,1000000)
`

export interface Settings {
  backend: Backend
  generator: 'autocannon' | 'wrk'
  products: number
  duration: number
  warmup: number
  rounds: number
  connections: number
  pipelining: number
  tokens: number
  subs: number
  logLevel: string
  only: Set<string> | null
  pin: boolean
  profile: boolean
  skipBuild: boolean
  /** --before: the earlier revision to measure beside this checkout. */
  before: Revision | null
  growth: boolean
  sizes: number[]
}

/** A bad option: one line, exit code 2, no stack. */
function usageError (message: string): never {
  process.stderr.write(`bench: ${message} (see --help)\n`)
  process.exit(2)
}

function positiveInt (name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined || text === '') return fallback
  if (!/^\d+$/.test(text) || Number(text) < min) usageError(`--${name} must be a whole number >= ${min} (got ${text})`)
  return Number(text)
}

function seconds (name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value < min || value > 600) usageError(`--${name} must be from ${min} to 600 seconds (got ${text})`)
  return value
}

function parse (argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        backend: { type: 'string', default: 'sqlite' },
        products: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        rounds: { type: 'string' },
        connections: { type: 'string' },
        pipelining: { type: 'string' },
        generator: { type: 'string', default: 'autocannon' },
        tokens: { type: 'string' },
        subs: { type: 'string' },
        'log-level': { type: 'string' },
        only: { type: 'string' },
        profile: { type: 'boolean', default: false },
        'no-pin': { type: 'boolean', default: false },
        'skip-build': { type: 'boolean', default: false },
        before: { type: 'string' },
        growth: { type: 'boolean', default: false },
        sizes: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      },
      strict: true,
      allowPositionals: false
    }).values
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error))
  }
}

export function parseSettings (argv: string[] = process.argv.slice(2)): Settings {
  const args = parse(argv)
  if (args.help) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  if (!BACKENDS.includes(args.backend as Backend)) usageError(`--backend must be ${BACKENDS.join(' or ')} (got ${args.backend})`)
  const only = args.only ? new Set(args.only.split(',').map((key) => key.trim())) : null
  for (const key of only ?? []) {
    if (!(SCENARIO_KEYS as readonly string[]).includes(key)) usageError(`--only: unknown scenario ${key} (known: ${SCENARIO_KEYS.join(', ')})`)
  }
  if (args.generator !== 'autocannon' && args.generator !== 'wrk') usageError(`--generator must be autocannon or wrk (got ${args.generator})`)
  const pipelining = positiveInt('pipelining', args.pipelining, 1)
  if (args.generator === 'wrk' && pipelining > 1) usageError('--generator wrk does not pipeline; use autocannon for --pipelining')
  if (args.generator === 'wrk' && !wrkAvailable()) usageError('--generator wrk needs wrk on PATH (Debian: apt-get install wrk)')
  const before = args.before === undefined ? null : resolveRevision(args.before)
  if (args.before !== undefined && !before) usageError(`--before: ${args.before} names no commit in this repository`)
  if (before && args.growth) usageError('--before runs with the standard bench, not --growth')
  return {
    backend: args.backend as Backend,
    generator: args.generator,
    products: positiveInt('products', args.products ?? process.env.BENCH_PRODUCTS, 10_000),
    duration: seconds('duration', args.duration ?? process.env.BENCH_DURATION, 5, 1),
    warmup: seconds('warmup', args.warmup, 1),
    rounds: positiveInt('rounds', args.rounds, 5),
    connections: positiveInt('connections', args.connections, 50),
    pipelining,
    tokens: positiveInt('tokens', args.tokens, 10_000),
    subs: positiveInt('subs', args.subs, 100),
    logLevel: args['log-level'] ?? 'warn',
    only,
    pin: !args['no-pin'],
    profile: args.profile,
    skipBuild: args['skip-build'],
    before,
    growth: args.growth,
    sizes: (args.sizes ?? '1000,10000,100000,1000000').split(',').map((size) => positiveInt('sizes', size.trim(), 0))
  }
}
