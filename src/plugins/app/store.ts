import fp from 'fastify-plugin'
import { tombstonePurgeCutoff } from '../../lib/change-feed.js'
import { idempotencyPurgeCutoff } from '../../lib/idempotency.js'
import { DEMO_PRODUCTS } from '../../store/demo-products.js'
import { openStore } from '../../store/open-store.js'
import type { Store } from '../../store/types.js'

const PURGE_INTERVAL_MS = 10 * 60_000

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
  }
}

/** Opens the store DATABASE_URL names, keeps it tidy, seeds a brand-new development database, closes it on shutdown. */
export default fp(
  async function storePlugin (fastify) {
    const { config } = fastify
    const store = await openStore(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE })
    fastify.decorate('store', store)
    // Housekeeping: expired revocations, idempotency records and change-feed tombstones, at start and every 10 minutes.
    const purge = async () => {
      const now = new Date()
      await store.revocations.purgeExpired(now)
      await store.idempotency.purgeBefore(idempotencyPurgeCutoff(now.getTime()))
      await store.products.purgeTombstones(tombstonePurgeCutoff(now.getTime()))
    }
    const timer = setInterval(() => {
      purge().catch((error: unknown) => fastify.log.warn({ err: error }, 'could not purge expired records'))
    }, PURGE_INTERVAL_MS)
    timer.unref()
    fastify.addHook('onClose', async () => {
      clearInterval(timer)
      await store.close()
    })
    await purge()
    // The tutorial's three products, so a newcomer's first GET shows something; never in
    // production, never twice (created is true only when no migration had ever run).
    if (store.created && config.NODE_ENV === 'development') {
      await store.products.createMany([...DEMO_PRODUCTS], { actor: 'system:seed', requestId: 'seed' })
      fastify.log.info({ count: DEMO_PRODUCTS.length }, 'new database: inserted the demo products')
    }
  },
  { name: 'store', dependencies: ['config'] }
)
