import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { withoutCredentials } from '../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared Redis (rate budgets), or null when REDIS_URL is not set. */
    redis: Redis | null
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
    client.on('error', (error: Error) => {
      if (down) return
      down = true
      fastify.log.warn({ err: error, redis: target }, 'Redis is unreachable: rate budgets are counted per process until it is back')
    })
    client.on('ready', () => {
      if (down) fastify.log.info({ redis: target }, 'Redis is back: rate budgets are shared again')
      down = false
    })
    fastify.decorate('redis', client)
    fastify.addHook('onClose', async () => {
      client.disconnect()
    })
  },
  { name: 'redis', dependencies: ['config'] }
)
