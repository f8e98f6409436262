import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { withoutCredentials } from '../config.js'
import { RedisWindow } from '../lib/redis-window.js'

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

/**
 * Connects to REDIS_URL when it is set. The boot never waits for Redis: a replica whose Redis
 * is down still serves (its budgets count per process) and /ready says so. Commands are never
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
    const target = withoutCredentials(url)
    let down = false
    let reached = false
    client.on('error', (error: Error) => {
      if (down) return
      down = true
      // Only the message, masked: the error object could carry the connection options.
      fastify.log.warn({ reason: withoutCredentials(error.message), redis: target }, 'Redis is unreachable: rate budgets are counted per process until it is back')
    })
    client.on('ready', () => {
      reached = true
      if (down) fastify.log.info({ redis: target }, 'Redis is back: rate budgets are shared again')
      down = false
    })
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
