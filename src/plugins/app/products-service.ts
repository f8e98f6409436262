import fp from 'fastify-plugin'
import { type ProductService, productService } from '../../services/products.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The product rules (src/services/products.ts) over the store: what every product route calls. */
    products: ProductService
  }
}

/** The products service, made once for every route. */
export default fp(
  async function productsServicePlugin (fastify) {
    fastify.decorate('products', productService(fastify.store))
  },
  { name: 'products-service', dependencies: ['store'] }
)
