import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import { errorHandler, notFoundHandler } from './error-handler.js'
import { createAjv } from './lib/ajv.js'
import { ProblemSchema } from './schemas/common.js'
import { swaggerOptions, swaggerUiOptions } from './swagger-options.js'
import authPlugin from './plugins/auth.js'
import configPlugin from './plugins/config.js'
import databasePlugin from './plugins/database.js'
import healthRoutes from './routes/health.js'
import adminUserRoutes from './routes/admin-users.js'
import meRoutes from './routes/me.js'
import auditRoutes from './routes/audit.js'
import productBulkRoutes from './routes/products-bulk.js'
import productRoutes from './routes/products.js'

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/
export const JSON_BODY_LIMIT = 1024 * 1024

/** Fastify's server options for this config; tests use the same ones as `npm start`. */
export function serverOptions (config: Config): FastifyServerOptions {
  return {
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' }
    },
    // A caller's X-Request-Id is kept when it is short and plain, so traces can be joined up.
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => {
      const given = request.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
    // Errors the router raises before any route runs (bad URL encoding, oversized params).
    frameworkErrors: errorHandler
  }
}

/** Builds the whole application; `src/server.ts` only adds listening and shutdown. */
export async function buildApp (config: Config): Promise<FastifyInstance> {
  const app = Fastify(serverOptions(config)).withTypeProvider<TypeBoxTypeProvider>()

  const strict = createAjv(false)
  const lenient = createAjv(true)
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema))
  // Fastify parses text/plain by default; this API only takes JSON unless a route says otherwise.
  app.removeContentTypeParser('text/plain')
  app.addSchema(ProblemSchema)
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(configPlugin, { config })

  await app.register(swagger, swaggerOptions(version))
  await app.register(swaggerUi, swaggerUiOptions(config))

  await app.register(databasePlugin)
  await app.register(authPlugin)

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  await app.register(healthRoutes)
  await app.register(productRoutes, { prefix: '/products' })
  await app.register(productBulkRoutes, { prefix: '/products' })
  await app.register(auditRoutes)
  await app.register(meRoutes)
  await app.register(adminUserRoutes, { prefix: '/admin/users' })

  return app
}
