import fp from 'fastify-plugin'
import { type IssuerSettings, issuerSettings } from '../../config.js'
import { startDevIssuer } from '../../auth/dev-issuer.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The development issuer's settings while it runs; null when a real issuer is configured. */
    devIssuer: IssuerSettings | null
  }
}

/**
 * Outside production, with no AUTH0_DOMAIN or AUTH0_ISSUER_BASE_URL, starts the local
 * development issuer (src/auth/dev-issuer.ts) so the API can be tried without a tenant.
 */
export default fp(
  async function devIssuerPlugin (fastify) {
    const { config } = fastify
    if (issuerSettings(config) !== null || config.NODE_ENV === 'production') {
      fastify.decorate('devIssuer', null)
      return
    }
    const dev = await startDevIssuer({
      statePath: config.DEV_ISSUER_STATE,
      port: config.DEV_ISSUER_PORT ?? (config.PORT === 0 ? 0 : config.PORT + 1),
      audience: config.AUTH0_AUDIENCE ?? 'store-api-dev',
      roleClaim: config.AUTH0_ROLE_CLAIM
    })
    fastify.addHook('onClose', () => dev.close())
    fastify.log.warn(
      { issuer: dev.issuer, audience: dev.audience, state: config.DEV_ISSUER_STATE },
      'DEVELOPMENT ISSUER IS ON: no AUTH0_DOMAIN or AUTH0_ISSUER_BASE_URL is set, so tokens from `npm run token` are accepted. Never use this in production.'
    )
    fastify.decorate('devIssuer', { issuer: dev.issuer, audience: dev.audience })
  },
  { name: 'dev-issuer', dependencies: ['config'] }
)
