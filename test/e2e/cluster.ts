import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { startIssuer } from '../helpers/app.js'
import type { TestIssuer } from '../helpers/issuer.js'
import { freePort, ROOT, type RunningProcess, spawnTs, waitForHttp } from '../helpers/process.js'
import { postgresUrl, redisUrl } from '../helpers/services.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'

/*
 * The compose topology on 127.0.0.1: the real `haproxy` binary with the project's own
 * deploy/haproxy.cfg in front of two real replica processes (src/server.ts) on one PostgreSQL
 * database and one Redis. Each replica reaches Redis through its own proxy, so a test can hold
 * a restarted replica not-ready (/ready is 503 until Redis has been reached).
 */

interface Teardown {
  teardown(fn: () => unknown): void
  plan(count: number, comment?: string): void
}

export const HAPROXY_CONFIG = join(ROOT, 'deploy', 'haproxy.cfg')
const START_TIMEOUT_MS = 90_000

/** One line of a replica's request log (src/http/request-log.ts). */
export interface RequestRecord {
  time: number
  reqId: string
  ip: string
  method: string
  url: string
  statusCode: number
  responseTime: number
}

export interface Replica {
  name: 'api-1' | 'api-2'
  port: number
  redis: TcpProxy
  /** The replica's current process; a restart replaces it. */
  proc: RunningProcess
}

export interface Cluster {
  /** The balancer's address, as clients use it. */
  base: string
  issuer: TestIssuer
  database: string
  replicas: [Replica, Replica]
  /** Everything HAProxy printed: its access log (stdout) and its warnings (stderr). */
  balancerLog(): string
  /** Starts the replica's process again on its port; resolves once it listens. */
  restart(replica: Replica): Promise<void>
}

/** Whether the haproxy binary can run: a skip elsewhere, a failure on CI. */
export function haproxyInstalled (t: Teardown): boolean {
  const probe = spawnSync('haproxy', ['-v'], { encoding: 'utf8' })
  if (probe.error === undefined && probe.status === 0) return true
  if (process.env.CI === 'true') throw new Error('haproxy is not installed; CI must run the balancer tests (.ci/services installs it)')
  t.plan(0, 'haproxy not installed: skipped the balancer tests (apt-get install haproxy to run them)')
  return false
}

/** The request lines in a replica process's log, in the order written. */
export function requestRecords (proc: RunningProcess): RequestRecord[] {
  const records: RequestRecord[] = []
  for (const line of proc.stdout().split('\n')) {
    if (!line.includes('"request completed"')) continue
    try {
      records.push(JSON.parse(line) as RequestRecord)
    } catch { /* a line still being written */ }
  }
  return records
}

/** Client traffic in a replica's request log: not HAProxy's checks (/ready), nor the test's own (/health). */
export const clientRequests = (proc: RunningProcess) => requestRecords(proc).filter((r) => r.url !== '/ready' && r.url !== '/health')

function startBalancer (t: Teardown, env: Record<string, string>): { child: ChildProcess, log: () => string } {
  const child = spawn('haproxy', ['-db', '-f', HAPROXY_CONFIG], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { log += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { log += chunk })
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  return { child, log: () => log }
}

/** The cluster, all processes ready; null when a service or the binary is missing (skipped). */
export async function startCluster (t: Teardown, extraEnv: Record<string, string> = {}): Promise<Cluster | null> {
  if (!haproxyInstalled(t)) return null
  const database = await postgresUrl(t)
  if (!database) return null
  const redis = await redisUrl(t)
  if (!redis) return null
  const issuer = await startIssuer(t)
  const redisTarget = new URL(redis.url)
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: database,
    REDIS_KEY_PREFIX: redis.prefix,
    AUTH0_ISSUER_BASE_URL: issuer.url,
    AUTH0_AUDIENCE: issuer.audience,
    // HAProxy is the one hop in front: the client is the address it adds to X-Forwarded-For.
    TRUST_PROXY: '1',
    RATE_LIMIT_READS: '1000000',
    RATE_LIMIT_WRITES: '1000000',
    RATE_LIMIT_AUTH_FAILURES: '1000000',
    // The balancer takes a replica out within about 1.5 s (deploy/haproxy.cfg); room for a busy machine.
    SHUTDOWN_DRAIN_MS: '2500',
    ...extraEnv
  }
  const spawnReplica = (replica: Omit<Replica, 'proc'>) => spawnTs(t, 'src/server.ts', {
    ...env,
    PORT: String(replica.port),
    REDIS_URL: `redis://127.0.0.1:${replica.redis.port}`
  })
  const makeReplica = async (name: Replica['name']): Promise<Replica> => {
    const redisProxy = await startTcpProxy(t, { host: redisTarget.hostname, port: Number(redisTarget.port || 6379) })
    const partial = { name, port: await freePort(), redis: redisProxy }
    const replica = { ...partial, proc: spawnReplica(partial) }
    await waitForHttp(`http://127.0.0.1:${replica.port}/ready`, { timeoutMs: START_TIMEOUT_MS, proc: replica.proc })
    return replica
  }
  // api-1 alone first: it applies the migrations, api-2 then finds them applied.
  const replicas: [Replica, Replica] = [await makeReplica('api-1'), await makeReplica('api-2')]
  const lbPort = await freePort()
  const balancer = startBalancer(t, {
    LB_BIND: `127.0.0.1:${lbPort}`,
    API_1: `127.0.0.1:${replicas[0].port}`,
    API_2: `127.0.0.1:${replicas[1].port}`
  })
  const base = `http://127.0.0.1:${lbPort}`
  await waitForHttp(`${base}/ready`, { timeoutMs: 10_000 })
  return {
    base,
    issuer,
    database,
    replicas,
    balancerLog: balancer.log,
    restart: async (replica) => {
      replica.proc = spawnReplica(replica)
      await waitForHttp(`http://127.0.0.1:${replica.port}/health`, { timeoutMs: START_TIMEOUT_MS, proc: replica.proc })
    }
  }
}
