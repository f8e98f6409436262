import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** False until the hot read paths have run enough times to be compiled; /ready waits for it. */
    warmedUp(): boolean
  }
}

// The reads a catalogue client sends most; writes are never replayed here (they would change data).
const HOT_PATHS = ['/products?limit=20', '/products?limit=20&sort=-price', '/products?q=a', '/products/1', '/health']
// A documentation address (RFC 5737): warm-up requests spend no real client's read budget.
const WARM_UP_ADDRESS = '192.0.2.10'

async function warmUp (fastify: FastifyInstance, requests: number): Promise<void> {
  for (let i = 0; i < requests; i++) {
    const url = HOT_PATHS[i % HOT_PATHS.length] as string
    await fastify.inject({ method: 'GET', url, remoteAddress: WARM_UP_ADDRESS })
  }
}

/**
 * A cold process hit by a burst runs at a fraction of its speed until V8 has compiled its hot
 * paths, so a load balancer should not send it traffic before then: once the app is ready,
 * this replays WARM_UP_REQUESTS reads through the whole stack (inject), and /ready answers 503
 * until they are done.
 */
export default fp(
  async function warmUpPlugin (fastify) {
    const requests = fastify.config.WARM_UP_REQUESTS
    let done = requests === 0
    fastify.decorate('warmedUp', () => done)
    if (done) return
    fastify.addHook('onReady', async () => {
      // After ready() resolves: inject waits for it, so it cannot run inside this hook.
      setImmediate(() => {
        const started = performance.now()
        warmUp(fastify, requests).then(
          () => fastify.log.info({ requests, ms: Math.round(performance.now() - started) }, 'warmed up: ready for traffic'),
          (error: unknown) => fastify.log.warn({ err: error }, 'warm-up failed; ready anyway')
        ).finally(() => { done = true })
      })
    })
  },
  { name: 'warm-up', dependencies: ['config'] }
)
