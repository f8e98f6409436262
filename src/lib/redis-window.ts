import type { Redis } from 'ioredis'

/** A fixed-window count, as @fastify/rate-limit's stores report it. */
export interface WindowCount {
  current: number
  ttl: number
}

// One round trip: count, start the window on the first hit, report what is left of it.
// A key found without an expiry (a crash between INCR and PEXPIRE) gets one.
const INCREMENT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { current, ttl }
`

interface WithIncrement {
  storeApiWindow(key: string, windowMs: number): Promise<[number, number]>
}

/**
 * Fixed-window counters in Redis, shared by every replica. The key prefix keeps them apart
 * from anything else in the same Redis (and apart between test runs).
 */
export class RedisWindow {
  readonly #redis: Redis & WithIncrement
  readonly #prefix: string

  constructor (redis: Redis, prefix: string) {
    if (!('storeApiWindow' in redis)) redis.defineCommand('storeApiWindow', { numberOfKeys: 1, lua: INCREMENT })
    this.#redis = redis as Redis & WithIncrement
    this.#prefix = prefix
  }

  /** False while disconnected: a caller then counts locally instead of waiting. */
  get available (): boolean {
    return this.#redis.status === 'ready'
  }

  async increment (key: string, windowMs: number): Promise<WindowCount> {
    const [current, ttl] = await this.#redis.storeApiWindow(this.#prefix + key, windowMs)
    return { current, ttl }
  }
}
