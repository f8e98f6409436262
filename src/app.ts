import { readFileSync } from 'node:fs'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from './config.js'
import { configureErrors } from './error-handler.js'
import { configureBodies } from './http/body-parsing.js'
import { addRequestLog } from './http/request-log.js'
import { addResponseHeaders } from './http/response-headers.js'
import { serverOptions } from './http/server-options.js'
import { createWarmUpPass } from './http/warm-up-pass.js'
import { corsOptions } from './plugins/external/cors.js'
import type { SharedBudgets } from './plugins/external/rate-limit-store.js'
import { rateBudgets } from './plugins/external/rate-limit.js'
import { swaggerOptions, swaggerUiOptions } from './plugins/external/swagger.js'
import authPlugin from './plugins/auth.js'
import { createSeenRecorder } from './services/users.js'
import { registerMetrics } from './plugins/external/metrics.js'
import inFlightPlugin from './plugins/in-flight.js'
import configPlugin from './plugins/config.js'
import devIssuerPlugin from './plugins/dev-issuer.js'
import idempotencyPlugin from './plugins/idempotency.js'
import redisPlugin from './plugins/redis.js'
import storePlugin from './plugins/store.js'
import warmUpPlugin from './plugins/warm-up.js'
import healthRoutes from './routes/health.js'
import adminUserRoutes from './routes/admin-users.js'
import meRoutes from './routes/me.js'
import logoutRoutes from './routes/logout.js'
import auditRoutes from './routes/audit.js'
import productBulkRoutes from './routes/products/bulk.js'
import productChangeRoutes from './routes/products/changes.js'
import productRoutes from './routes/products/index.js'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

/** The rate budgets counted in Redis when REDIS_URL is set; a failing Redis is logged once per outage. */
function sharedBudgets (app: FastifyInstance): SharedBudgets | undefined {
  const window = app.redisWindow
  if (window === null) return undefined
  return {
    window,
    onFallback: (error) => app.log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'a Redis rate-limit count failed: budgets are counted per process until it answers')
  }
}

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
  // The warm-up's own requests (see warm-up.ts) spend no read budget.
  const warmUpPass = createWarmUpPass()
  const budgets = rateBudgets(config, sharedBudgets(app), warmUpPass.carries)
  app.addHook('onRoute', budgets.assign)
  await app.register(rateLimit, budgets.plugin)
  await app.register(swagger, swaggerOptions(version))
  await app.register(swaggerUi, swaggerUiOptions(config))

  // Our infrastructure.
  await app.register(storePlugin)
  await app.register(devIssuerPlugin)
  const seen = createSeenRecorder(app.store.users)
  await app.register(authPlugin, { onAuthenticated: (principal, log) => seen.record(principal, log) })
  // After auth: a wrong metrics token spends the failed-authentication budget.
  if (config.METRICS_TOKEN !== undefined) await registerMetrics(app, config.METRICS_TOKEN)
  await app.register(idempotencyPlugin)
  await app.register(inFlightPlugin)

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
  await app.register(warmUpPlugin, { pass: warmUpPass })

  return app
}
