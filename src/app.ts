import { readFileSync } from 'node:fs'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import { configureErrors } from './http/error-handler.js'
import { configureBodies } from './http/body-parsing.js'
import { addRequestLog } from './http/request-log.js'
import { addResponseHeaders } from './http/response-headers.js'
import { serverOptions } from './http/server-options.js'
import { corsOptions } from './plugins/external/cors.js'
import { rateLimitOptions } from './plugins/external/rate-limit.js'
import { swaggerOptions, swaggerUiOptions } from './plugins/external/swagger.js'
import authPlugin from './plugins/app/auth.js'
import { registerMetrics } from './plugins/external/metrics.js'
import configPlugin from './plugins/app/config.js'
import devIssuerPlugin from './plugins/app/dev-issuer.js'
import idempotencyPlugin from './plugins/app/idempotency.js'
import productsServicePlugin from './plugins/app/products-service.js'
import usersServicePlugin from './plugins/app/users-service.js'
import redisPlugin from './plugins/app/redis.js'
import shutdownPlugin from './plugins/app/shutdown.js'
import storePlugin from './plugins/app/store.js'
import healthRoutes from './routes/health.js'
import adminUserRoutes from './routes/admin-users.js'
import meRoutes from './routes/me.js'
import logoutRoutes from './routes/logout.js'
import auditRoutes from './routes/audit.js'
import productBulkRoutes from './routes/products/bulk.js'
import productChangeRoutes from './routes/products/changes.js'
import productRoutes from './routes/products/index.js'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

/** Builds the whole application: plugins, then routes. `src/server.ts` only adds listening and shutdown. */
export async function buildApp (config: Config): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(config)).withTypeProvider<TypeBoxTypeProvider>()
  configureBodies(app)
  configureErrors(app)
  addResponseHeaders(app)
  addRequestLog(app, config.LOG_LEVEL)

  await app.register(configPlugin, { config })
  await app.register(redisPlugin)

  // Ecosystem plugins with our options.
  const corsSettings = corsOptions(config)
  if (corsSettings !== false) await app.register(cors, corsSettings)
  await app.register(rateLimit, rateLimitOptions(app))
  await app.register(swagger, swaggerOptions(version))
  await app.register(swaggerUi, swaggerUiOptions(config))

  // Our infrastructure.
  await app.register(storePlugin)
  await app.register(devIssuerPlugin)
  // fastify.users is registered below; the hook first runs on a request, after startup.
  await app.register(authPlugin, { onAuthenticated: (principal, log) => app.users.recordSeen(principal, log) })
  // After auth: a wrong metrics token spends the failed-authentication budget.
  if (config.METRICS_TOKEN !== undefined) await registerMetrics(app, config.METRICS_TOKEN)
  await app.register(idempotencyPlugin)
  await app.register(productsServicePlugin)
  await app.register(usersServicePlugin)
  await app.register(shutdownPlugin)

  // Routes.
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(healthRoutes)
  await app.register(productRoutes, { prefix: '/products' })
  await app.register(productBulkRoutes, { prefix: '/products' })
  await app.register(productChangeRoutes, { prefix: '/products' })
  await app.register(auditRoutes)
  await app.register(meRoutes)
  await app.register(logoutRoutes)
  await app.register(adminUserRoutes, { prefix: '/admin/users' })

  return app
}
