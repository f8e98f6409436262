import { STATUS_CODES } from 'node:http'
import type { FieldError } from '../lib/field-errors.js'

/** An RFC 9457 problem document as this API sends it. */
export interface ProblemDocument {
  type: string
  title: string
  status: number
  detail: string
  instance?: string
  requestId?: string
  errors?: FieldError[]
}

/** An error that already knows which client-facing problem it is. */
export class HttpProblem extends Error {
  readonly statusCode: number
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string>

  constructor (statusCode: number, detail: string, options: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(detail, { cause: options.cause })
    this.name = 'HttpProblem'
    this.statusCode = statusCode
    this.errors = options.errors
    this.headers = options.headers ?? {}
  }
}

export function validationProblem (errors: FieldError[]): HttpProblem {
  return new HttpProblem(400, 'The request is not valid; see errors for each field.', { errors })
}

export function notFound (detail: string): HttpProblem {
  return new HttpProblem(404, detail)
}

export function problemDocument (status: number, detail: string, extra: Partial<ProblemDocument> = {}): ProblemDocument {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...extra
  }
}
