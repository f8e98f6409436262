import type { ErrorObject } from 'ajv'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type FieldError, fieldErrors } from '../lib/field-errors.js'
import { HttpProblem, problemDocument } from './problem.js'
import { PROBLEM_CONTENT_TYPE } from '../schemas/common.js'
import { StoreUnavailable } from '../store/types.js'

// The store names no database in its errors: an outage is StoreUnavailable, however deep.
function isStoreUnavailable (error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof StoreUnavailable) return true
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
  if (isStoreUnavailable(error)) {
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
  // Refusals are states, not failures: 401, 403, and a 503 we answer on purpose (not ready yet, shutting down).
  const refused = mapped.status === 401 || mapped.status === 403 || (mapped.status === 503 && error instanceof HttpProblem)
  if (refused) {
    request.log.info({ status: mapped.status, reason: mapped.detail }, 'request refused')
  } else if (mapped.status === 503) {
    request.log.error({ err: error, reqId: request.id }, 'database unavailable')
  } else if (mapped.status >= 500) {
    request.log.error({ err: error, reqId: request.id }, 'request failed')
  }
  sendProblem(reply, mapped.status, mapped.detail, { errors: mapped.errors, headers: mapped.headers })
}

function notFoundHandler (request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}`)
}

function hasUnreadBody (request: FastifyRequest): boolean {
  const { raw } = request
  if (raw.complete !== false) return false
  const length = raw.headers['content-length']
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

function sendProblem (
  reply: FastifyReply,
  status: number,
  detail: string,
  extra: { errors?: FieldError[]; headers?: Record<string, string> } = {}
): void {
  // Answered before the body was read: closing after the answer stops a client that keeps
  // sending (slowly, or a large body) from holding the socket.
  if (hasUnreadBody(reply.request)) reply.header('connection', 'close')
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

/** Every failure, and every unknown route, answered as problem+json. */
export function configureErrors (app: FastifyInstance): void {
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)
}
