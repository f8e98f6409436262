import type { FastifyInstance } from 'fastify'

const SECRET_PARAM = /([?&][^=&]*(?:token|code|secret|password|key|auth)[^=&]*=)[^&]*/gi

function redactUrl (url: string): string {
  return url.replace(SECRET_PARAM, '$1[redacted]')
}

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
