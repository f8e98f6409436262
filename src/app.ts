import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { type IncomingMessage, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify'
import { type Config, corsOrigins } from './config.js'
import { errorHandler, notFoundHandler } from './error-handler.js'
import { createAjv } from './lib/ajv.js'
import { exceededJsonLimit, JSON_LIMITS } from './lib/json-depth.js'
import { HttpProblem, problemDocument } from './lib/problem.js'
import { ProblemSchema } from './schemas/common.js'
import { assignWriteBudget, corsOptions, rateLimitOptions, securityHeaders, writeRateLimit } from './http-policy.js'
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

const SECRET_PARAM = /([?&][^=&]*(?:token|code|secret|password|key|auth)[^=&]*=)[^&]*/gi

function redactUrl (url: string): string {
  return url.replace(SECRET_PARAM, '$1[redacted]')
}

// Errors Node's HTTP parser raises before Fastify sees a request: oversized headers or URL, garbage.
function clientErrorHandler (error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) return
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const body = JSON.stringify(problemDocument(status, status === 431 ? 'The request headers or URL are too large.' : 'The request could not be parsed.'))
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}

/**
 * Request ids: a caller's own when plain, else this process's random prefix and a counter.
 * Unique across restarts like a UUID, at a fraction of its cost and length on every response.
 */
function requestIds (): (request: IncomingMessage) => string {
  const prefix = randomBytes(6).toString('base64url')
  let count = 0
  return (request) => {
    const given = request.headers['x-request-id']
    return typeof given === 'string' && REQUEST_ID.test(given) ? given : `${prefix}-${(++count).toString(36)}`
  }
}

/** Fastify's server options for this config; tests use the same ones as `npm start`. */
export function serverOptions (config: Config): FastifyServerOptions {
  return {
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' }
    },
    // A caller's X-Request-Id is kept when it is short and plain, so traces can be joined up.
    requestIdHeader: false,
    genReqId: requestIds(),
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
    // Fastify's two lines per request give way to the one onResponse line below.
    logController: new LogController({ disableRequestLogging: true }),
    clientErrorHandler,
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
  // Fastify's own JSON parser (it refuses __proto__ and constructor keys), behind depth and size limits.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const exceeded = exceededJsonLimit(body as string)
    if (exceeded !== null) {
      const detail = exceeded === 'depth' ? `is nested more than ${JSON_LIMITS.depth} levels deep` : `holds more than ${JSON_LIMITS.values} values`
      done(new HttpProblem(400, `The JSON body ${detail}.`), undefined)
      return
    }
    parseJson(request, body as string, done)
  })
  app.addSchema(ProblemSchema)
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)
  const headers = securityHeaders()
  // A callback hook: an async one would cost every request a promise.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers).header('x-request-id', request.id)
    done()
  })
  // One line per request, with secrets kept out of the URL; no hook at all when it would not print.
  if (['info', 'debug', 'trace'].includes(config.LOG_LEVEL)) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info(
        { method: request.method, url: redactUrl(request.url), statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 100) / 100 },
        'request completed'
      )
    })
  }

  await app.register(configPlugin, { config })

  // No origins configured, no CORS: same-origin only, and no hook on every request.
  if (corsOrigins(config) !== false) await app.register(cors, corsOptions(config))
  // Before the rate-limit plugin's own onRoute hook, which reads what this one sets.
  app.addHook('onRoute', assignWriteBudget(writeRateLimit(config)))
  await app.register(rateLimit, rateLimitOptions(config))
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
