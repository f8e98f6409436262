import { type StringOptions, type TSchema, type TUnsafe, Type } from '@sinclair/typebox'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/**
 * Free text a client sends: no control character (C0, DEL, C1: \p{Cc}) and no half of a
 * surrogate pair (\p{Cs}, ill-formed UTF-16 that would be stored as replacement characters).
 * Ajv compiles patterns with the u flag, where these classes mean exactly that.
 */
export const PLAIN_TEXT_PATTERN = '^[^\\p{Cc}\\p{Cs}]*$'

/**
 * A string or null, written as OpenAPI 3.0 writes it. fast-json-stringify serialises a
 * `nullable` field with a null check; an anyOf of string and null would cost a schema
 * validator call per field on every response.
 */
export function NullableString (options: StringOptions = {}): TUnsafe<string | null> {
  return Type.Unsafe<string | null>({ ...Type.String(options), nullable: true })
}

export const FieldErrorSchema = Type.Object({
  in: Type.String({ description: 'body, querystring, params or headers' }),
  row: Type.Optional(Type.Integer({ minimum: 1, description: 'Bulk input: the 1-based row (data rows, after any CSV header)' })),
  field: Type.String({ description: 'The offending field, dotted for nested ones' }),
  message: Type.String()
})

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI reference identifying the problem type', examples: ['about:blank'] }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String({ description: 'Quote it when reporting a 5xx' })),
    errors: Type.Optional(Type.Array(FieldErrorSchema))
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' }
)

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the errors array names each bad field',
  401: 'Missing, invalid or expired bearer token (see WWW-Authenticate)',
  403: 'The token is valid but lacks the admin role or write:products permission',
  404: 'No such resource',
  409: 'Conflict with the current state',
  412: 'If-Match did not match the current ETag',
  413: 'Request body too large',
  414: 'A path parameter is too long',
  415: 'Unsupported Content-Type',
  422: 'The request cannot be processed',
  429: 'Too many requests',
  500: 'Unexpected server error (masked; quote requestId)',
  503: 'The database is unavailable or the server is shutting down; retry later'
}

function responsesFor (statuses: number[]): Record<number, TSchema> {
  const responses: Record<number, TSchema> = {}
  for (const status of [...new Set(statuses)].sort((a, b) => a - b)) {
    responses[status] = Type.Unsafe({
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: Type.Ref(ProblemSchema.$id as string) } }
    })
  }
  return responses
}

/**
 * Response schemas for the error statuses a route can send, all as problem+json pointing at
 * the shared Problem schema (registered by buildApp with addSchema). Every route can also
 * be rate limited (429), fail (500) or be unavailable (503: database down, shutting down).
 */
export function problemResponses (...statuses: number[]): Record<number, TSchema> {
  return responsesFor([...statuses, 429, 500, 503])
}

/** The same for the probes, which rate limiting exempts. */
export function probeProblemResponses (...statuses: number[]): Record<number, TSchema> {
  return responsesFor([...statuses, 500, 503])
}
