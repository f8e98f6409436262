import fp from 'fastify-plugin'
import { databasePath } from '../config.js'
import { openSqliteStore } from '../db/sqlite-store.js'
import type { Store } from '../repositories/store.js'
import { DEMO_PRODUCTS } from '../db/demo-products.js'
import { idempotencyPurgeCutoff } from '../lib/idempotency.js'

const PURGE_INTERVAL_MS = 10 * 60_000

declare module 'fastify' {
  interface FastifyInstance {
    store: Store
  }
}

/** Opens the database, migrates it, seeds a brand-new development database, closes it on shutdown. */
export default fp(
  async function databasePlugin (fastify) {
    const { config } = fastify
    const store = openSqliteStore(databasePath(config))
    fastify.decorate('store', store)
    // Housekeeping: expired revocations and idempotency records, at start and every 10 minutes.
    const purge = async () => {
      const now = new Date()
      await store.revocations.purgeExpired(now)
      await store.idempotency.purgeBefore(idempotencyPurgeCutoff(now.getTime()))
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
  { name: 'database', dependencies: ['config'] }
)
