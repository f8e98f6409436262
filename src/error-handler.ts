import type { ErrorObject } from 'ajv'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { type FieldError, HttpProblem, problemDocument } from './lib/problem.js'
import { PROBLEM_CONTENT_TYPE } from './schemas/common.js'

// What PLAIN_TEXT_PATTERN (schemas/common.ts) and the patterns built like it refuse.
const UNSAFE_TEXT = /[\p{Cc}\p{Cs}]/u

// Ajv's own wording, less its type-level noise, with the field named by path.
export function fieldErrors (context: string, issues: ErrorObject[]): FieldError[] {
  const seen = new Set<string>()
  const errors: FieldError[] = []
  // Where a union (anyOf) failed, its branches' complaints contradict each other ("must be
  // string", "must be number"): one message from the union's own description says it better.
  const unions = new Set(issues.filter((issue) => issue.keyword === 'anyOf').map((issue) => issue.instancePath))
  for (const issue of issues) {
    if (unions.has(issue.instancePath) && issue.keyword !== 'anyOf') continue
    let field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
    let message = issue.message ?? 'is invalid'
    if (issue.keyword === 'anyOf') {
      const description: unknown = issue.parentSchema?.description
      message = typeof description === 'string' ? `must be ${description.charAt(0).toLowerCase()}${description.slice(1)}` : 'is not of an allowed form'
    } else if (issue.keyword === 'required') {
      field = [field, String(issue.params.missingProperty)].filter(Boolean).join('.')
      message = 'is required'
    } else if (issue.keyword === 'additionalProperties') {
      field = [field, String(issue.params.additionalProperty)].filter(Boolean).join('.')
      message = 'is not an allowed field'
    } else if (issue.keyword === 'pattern') {
      message = typeof issue.data === 'string' && UNSAFE_TEXT.test(issue.data)
        ? 'must not contain control characters or unpaired surrogates'
        : 'has an invalid format'
    }
    const key = `${field}\u0000${message}`
    if (seen.has(key)) continue
    seen.add(key)
    errors.push({ in: context, field, message })
  }
  return errors
}

// A full, read-only, locked or vanished database is an outage to retry, not a bug to mask.
const DATABASE_FAULTS = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|NOMEM|PROTOCOL)/

function isDatabaseFault (error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && DATABASE_FAULTS.test(code)) return true
    if (current instanceof TypeError && current.message === 'The database connection is not open') return true
  }
  return false
}

interface Mapped {
  status: number
  detail: string
  errors?: FieldError[]
  headers?: Record<string, string>
}

function classify (error: FastifyError & { validationContext?: string }): Mapped {
  if (error instanceof HttpProblem) {
    return { status: error.statusCode, detail: error.message, errors: error.errors, headers: error.headers }
  }
  if (error.validation) {
    return {
      status: 400,
      detail: 'The request is not valid; see errors for each field.',
      errors: fieldErrors(error.validationContext ?? 'request', error.validation as ErrorObject[])
    }
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, detail: 'Unsupported Content-Type; send application/json.' }
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, detail: 'The request body is too large.' }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, detail: 'The JSON body is empty.' }
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, detail: 'The body is not valid JSON.' }
    case 'FST_ERR_BAD_URL':
      return { status: 400, detail: 'The URL is malformed.' }
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, detail: 'A path parameter is too long.' }
  }
  if (isDatabaseFault(error)) {
    return { status: 503, detail: 'The database is unavailable; retry shortly.', headers: { 'retry-after': '5' } }
  }
  if (error instanceof SyntaxError && error.statusCode === 400) {
    return { status: 400, detail: 'The body is not valid JSON.' }
  }
  const status = error.statusCode
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, detail: error.message }
  }
  return { status: 500, detail: 'An unexpected error occurred. Quote the requestId when reporting it.' }
}

/** The one error handler: every failure leaves as RFC 9457 problem+json; 5xx are logged and masked. */
export function errorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = classify(error)
  if (mapped.status === 503) {
    request.log.error({ err: error, reqId: request.id }, 'database unavailable')
  } else if (mapped.status >= 500) {
    request.log.error({ err: error, reqId: request.id }, 'request failed')
  } else if (mapped.status === 401 || mapped.status === 403) {
    request.log.info({ status: mapped.status, reason: mapped.detail }, 'request refused')
  }
  sendProblem(reply, mapped.status, mapped.detail, { errors: mapped.errors, headers: mapped.headers })
}

export function notFoundHandler (request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}`)
}

export function sendProblem (
  reply: FastifyReply,
  status: number,
  detail: string,
  extra: { errors?: FieldError[]; headers?: Record<string, string> } = {}
): void {
  const document = problemDocument(status, detail, {
    requestId: String(reply.request.id),
    ...(extra.errors ? { errors: extra.errors } : {})
  })
  reply
    .code(status)
    .headers(extra.headers ?? {})
    .type(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
    .send(document)
}
