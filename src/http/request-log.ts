import type { FastifyInstance } from 'fastify'
import { redactUrl } from '../lib/redact-url.js'

/** One line per request, with secrets kept out of the URL; no hook at all when it would not print. */
export function addRequestLog (app: FastifyInstance, level: string): void {
  if (!['info', 'debug', 'trace'].includes(level)) return
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: redactUrl(request.url), statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 100) / 100 },
      'request completed'
    )
  })
}
