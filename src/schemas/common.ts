import { type TSchema, Type } from '@sinclair/typebox'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

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
  503: 'A dependency is unavailable'
}

/**
 * Response schemas for the error statuses a route can send, all as problem+json.
 * They point at the shared Problem schema, which buildApp registers with addSchema.
 */
export function problemResponses (...statuses: number[]): Record<number, TSchema> {
  const responses: Record<number, TSchema> = {}
  for (const status of [...statuses, 500]) {
    responses[status] = Type.Unsafe({
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: Type.Ref(ProblemSchema.$id as string) } }
    })
  }
  return responses
}
