import type { FastifyInstance } from 'fastify'
import { createAjv } from '../lib/ajv.js'
import { exceededJsonLimit, JSON_LIMITS } from '../lib/json-depth.js'
import { HttpProblem } from './problem.js'
import { SHARED_SCHEMAS } from '../schemas/index.js'

/**
 * Validation and parsing of request bodies: strict bodies, lenient (coercing) query strings and
 * headers, JSON only unless a route says otherwise, and depth and size limits before JSON.parse.
 */
export function configureBodies (app: FastifyInstance): void {
  const strict = createAjv(false)
  const lenient = createAjv(true)
  // Named shapes: routes refer to them by $id, and the document lists them as components.
  for (const schema of SHARED_SCHEMAS) {
    app.addSchema(schema)
    strict.addSchema(schema)
    lenient.addSchema(schema)
  }
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : lenient).compile(schema))
  // Fastify parses text/plain by default; this API only takes JSON unless a route says otherwise.
  app.removeContentTypeParser('text/plain')
  // Fastify's own JSON parser (it refuses __proto__ and constructor keys), behind a depth limit.
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
}
