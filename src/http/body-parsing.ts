import type { FastifyInstance } from 'fastify'
import { createAjv } from '../lib/ajv.js'
import { jsonDepth } from '../lib/json-depth.js'
import { HttpProblem } from '../lib/problem.js'
import { SHARED_SCHEMAS } from '../schemas/index.js'

const MAX_JSON_DEPTH = 32

/**
 * Validation and parsing of request bodies: strict bodies, lenient (coercing) query strings and
 * headers, JSON only unless a route says otherwise, and a depth limit before JSON.parse.
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
    if (jsonDepth(body as string) > MAX_JSON_DEPTH) {
      done(new HttpProblem(400, `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`), undefined)
      return
    }
    parseJson(request, body as string, done)
  })
}
