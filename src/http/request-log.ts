import type { FastifyInstance } from 'fastify'
import { redactUrl } from '../lib/redact-url.js'

/**
 * One line per request, with secrets kept out of the URL; no hook at all when it would not print.
 * The line carries the request id (reqId: the caller's or the balancer's X-Request-Id when plain)
 * and the client's address as TRUST_PROXY resolves it (ip), not the balancer's.
 */
export function addRequestLog (app: FastifyInstance, level: string): void {
  if (!['info', 'debug', 'trace'].includes(level)) return
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, url: redactUrl(request.url), ip: request.ip, statusCode: reply.statusCode, responseTime: Math.round(reply.elapsedTime * 100) / 100 },
      'request completed'
    )
  })
}
