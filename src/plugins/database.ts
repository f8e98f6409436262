import fp from 'fastify-plugin'
import { databasePath } from '../config.js'
import { openSqliteStore } from '../db/sqlite-store.js'
import type { Store } from '../repositories/store.js'
import { DEMO_PRODUCTS } from '../db/demo-products.js'

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
    fastify.addHook('onClose', async () => {
      await store.close()
    })
    // The tutorial's three products, so a newcomer's first GET shows something; never in
    // production, never twice (created is true only when no migration had ever run).
    if (store.created && config.NODE_ENV === 'development') {
      await store.products.createMany([...DEMO_PRODUCTS], { actor: 'system:seed', requestId: 'seed' })
      fastify.log.info({ count: DEMO_PRODUCTS.length }, 'new database: inserted the demo products')
    }
  },
  { name: 'database', dependencies: ['config'] }
)
