import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { redactCredentials } from '../../lib/redact-url.js'
import { RedisWindow } from '../../lib/redis-window.js'
import { firstMessage, networkReason, SettingError } from '../../lib/setting-error.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared Redis (rate budgets), or null when REDIS_URL is not set. */
    redis: Redis | null
    /** Fixed-window counters in Redis for the rate budgets, or null when REDIS_URL is not set. */
    redisWindow: RedisWindow | null
    /**
     * off: no REDIS_URL; ok: Redis answers; degraded: it was reached once and is down now
     * (budgets count per process); unreached: it has never answered since the start.
     */
    sharedBudgets(): 'off' | 'ok' | 'degraded' | 'unreached'
  }
}

const CONNECT_TIMEOUT_MS = 2000
// A rate-limit check must never hold a request up for long: past this it counts locally.
const COMMAND_TIMEOUT_MS = 250
const MAX_RECONNECT_DELAY_MS = 2000
// How long the start waits for Redis's first answer: long enough to hear a refused login; an outage is not waited out.
const FIRST_ANSWER_WAIT_MS = 1000

/** The reason `error` means REDIS_URL itself is wrong (no retry can mend it), or null for an outage. */
function misconfiguration (error: Error): string | null {
  if (/^(WRONGPASS|NOAUTH|NOPERM)\b|invalid password/i.test(error.message)) return `login refused: ${error.message}`
  if (/DB index is out of range|invalid DB index/i.test(error.message)) return `no such database: ${error.message}`
  if ((error as { code?: unknown }).code === 'ENOTFOUND') return 'unknown host: ENOTFOUND'
  return null
}

/** Resolves with Redis's first error, or null once it is ready or has not answered in time. */
async function firstAnswer (client: Redis): Promise<Error | null> {
  return new Promise((resolve) => {
    const done = (error: Error | null) => {
      clearTimeout(timer)
      client.off('ready', onReady)
      client.off('error', onError)
      resolve(error)
    }
    const onReady = () => done(null)
    const onError = (error: Error) => done(error)
    const timer = setTimeout(() => done(null), FIRST_ANSWER_WAIT_MS)
    client.once('ready', onReady)
    client.once('error', onError)
  })
}

/**
 * Connects to REDIS_URL when it is set. The boot does not wait out a Redis outage: a replica
 * whose Redis is down still serves (its budgets count per process) and /ready says so. It waits
 * up to a second for the first answer, so a REDIS_URL no retry can mend (login refused, unknown
 * host, no such database) fails the start as a SettingError naming it. Commands are never
 * queued while disconnected, so a request fails over to the local count at once.
 */
export default fp(
  async function redisPlugin (fastify) {
    const url = fastify.config.REDIS_URL
    if (url === undefined) {
      fastify.decorate('redis', null)
      fastify.decorate('redisWindow', null)
      fastify.decorate('sharedBudgets', () => 'off' as const)
      return
    }
    const client = new Redis(url, {
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS)
    })
    const target = redactCredentials(url)
    let down = false
    let reached = false
    client.on('error', (error: Error) => {
      if (down) return
      down = true
      // Only the reason, masked: the error object could carry the connection options.
      const reason = new SettingError('REDIS_URL', url, misconfiguration(error) ?? networkReason(error) ?? firstMessage(error)).message
      fastify.log.warn({ reason, redis: target }, `${reason}: Redis is unreachable: rate budgets are counted per process until it is back`)
    })
    client.on('ready', () => {
      reached = true
      if (down) fastify.log.info({ redis: target }, 'Redis is back: rate budgets are shared again')
      down = false
    })
    const first = await firstAnswer(client)
    const wrong = first && misconfiguration(first)
    if (wrong) {
      client.disconnect()
      throw new SettingError('REDIS_URL', url, wrong, { cause: first })
    }
    fastify.decorate('redis', client)
    fastify.decorate('redisWindow', new RedisWindow(client, `${fastify.config.REDIS_KEY_PREFIX}rl:`))
    fastify.decorate('sharedBudgets', () => {
      if (client.status === 'ready') return 'ok' as const
      return reached ? 'degraded' as const : 'unreached' as const
    })
    fastify.addHook('onClose', async () => {
      client.disconnect()
    })
  },
  { name: 'redis', dependencies: ['config'] }
)
