import { type SchemaOptions, type Static, type StringOptions, type TSchema, type TUnsafe, Type } from '@sinclair/typebox'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

// Patterns are written so that ECMA-262 without the u flag, PCRE and Java read them alike
// (generators and linters use all three): \xhh escapes only, never \p{...} classes.
/** The control characters (C0, DEL, C1: Unicode's Cc), as a class body. */
export const CONTROL = '\\x00-\\x1F\\x7F-\\x9F'

/**
 * Free text a client sends: no control character. Halves of surrogate pairs (ill-formed UTF-16,
 * stored as replacement characters) cannot be written portably in a pattern; the keyword
 * `x-well-formed` (lib/ajv.ts) refuses them wherever a pattern like this one applies.
 */
const PLAIN_TEXT_PATTERN = `^[^${CONTROL}]*$`

/** A string schema's options for free text: the portable pattern plus the well-formedness check. */
export const PLAIN_TEXT = { pattern: PLAIN_TEXT_PATTERN, 'x-well-formed': true } as const

/** An Idempotency-Key: 1 to 255 visible ASCII characters (the idempotency plugin checks it). */
export const IDEMPOTENCY_KEY_PATTERN = '^[\\x21-\\x7e]{1,255}$'

/** The Idempotency-Key request header of the routes that honour it. */
export function idempotencyKeyHeaders (options: StringOptions = {}) {
  return Type.Object({
    'idempotency-key': Type.Optional(Type.String({
      pattern: IDEMPOTENCY_KEY_PATTERN,
      description: 'Retry safely: the same key and body within 24 h replays the first response',
      ...options
    }))
  })
}

/**
 * A string or null, written as OpenAPI 3.0 writes it. fast-json-stringify serialises a
 * `nullable` field with a null check; an anyOf of string and null would cost a schema
 * validator call per field on every response.
 */
export function NullableString (options: StringOptions = {}): TUnsafe<string | null> {
  return Type.Unsafe<string | null>({ ...Type.String(options), nullable: true })
}

/** A reference to a named schema (registered with addSchema), typed as the schema itself. */
export function ref<T extends TSchema> (schema: T, options: SchemaOptions = {}): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({ ...options, $ref: schema.$id as string })
}

type HeaderMap = Record<string, Record<string, unknown>>

/** Response headers as @fastify/swagger documents them (a schema plus a description). */
export const HEADERS = {
  requestId: { 'X-Request-Id': { type: 'string', description: "This request's id (the caller's own when plain); quote it when reporting a problem" } },
  etag: { ETag: { type: 'string', description: 'The version of what was sent; give it back in If-None-Match or If-Match', example: 'W/"1.1"' } },
  location: { Location: { type: 'string', description: 'The new product\'s URL', example: '/products/1' } },
  wwwAuthenticate: { 'WWW-Authenticate': { type: 'string', description: 'The Bearer challenge, with the reason when a token was refused', example: 'Bearer realm="store-api", error="invalid_token"' } },
  retryAfter: { 'Retry-After': { type: 'integer', minimum: 0, description: 'Seconds to wait before retrying' } },
  rateLimit: {
    'RateLimit-Limit': { type: 'integer', minimum: 0, description: 'Requests allowed in the current window (absent where the budget is not per request)' },
    'RateLimit-Remaining': { type: 'integer', minimum: 0, description: 'Requests left in the current window' },
    'RateLimit-Reset': { type: 'integer', minimum: 0, description: 'Seconds until the window resets' }
  }
} satisfies Record<string, HeaderMap>

/**
 * A documented JSON response: the body schema by reference, a one-line description and the
 * headers it carries (X-Request-Id always). Typed as the body, for the type provider.
 * Not keyed by media type: Fastify would then parse each reply's Content-Type to pick the
 * serializer, and @fastify/swagger documents a plain schema as application/json all the same.
 */
export function jsonResponse<T extends TSchema> (schema: T, description: string, headers: HeaderMap = {}): TUnsafe<Static<T>> {
  return Type.Unsafe<Static<T>>({
    ...(schema.$id === undefined ? schema : ref(schema)),
    description,
    headers: { ...HEADERS.requestId, ...headers }
  })
}

/** A response without a body (204, 304). */
export function emptyResponse (description: string, headers: HeaderMap = {}): TUnsafe<undefined> {
  return Type.Unsafe<undefined>({ type: 'null', description, headers: { ...HEADERS.requestId, ...headers } })
}

const FieldErrorSchema = Type.Object({
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
  {
    $id: 'Problem',
    description: 'RFC 9457 problem details',
    examples: [{ type: 'about:blank', title: 'Not Found', status: 404, detail: 'Product 42 does not exist.', requestId: 'k3Jx1Qa9-1f' }]
  }
)

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the errors array names each bad field',
  401: 'Missing, invalid or expired bearer token (see WWW-Authenticate)',
  403: 'The token is valid but lacks the admin role or write:products permission',
  404: 'No such resource',
  409: 'Conflict with the current state',
  410: 'Gone: what was asked for is no longer kept',
  412: 'If-Match did not match the current ETag',
  413: 'Request body too large',
  414: 'A path parameter is too long',
  415: 'Unsupported Content-Type',
  422: 'The request cannot be processed',
  429: 'Too many requests',
  500: 'Unexpected server error (masked; quote requestId)',
  503: 'The database is unavailable or the server is shutting down; retry later'
}

const PROBLEM_HEADERS: Record<number, HeaderMap> = {
  401: HEADERS.wwwAuthenticate,
  429: { ...HEADERS.retryAfter, ...HEADERS.rateLimit }
}

function responsesFor (statuses: number[]): Record<number, TSchema> {
  const responses: Record<number, TSchema> = {}
  for (const status of [...new Set(statuses)].sort((a, b) => a - b)) {
    responses[status] = Type.Unsafe({
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
      headers: { ...HEADERS.requestId, ...PROBLEM_HEADERS[status] },
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
