import type { ErrorObject } from 'ajv'
import { UNSAFE_TEXT } from './value-domains.js'

/** One field's complaint, wherever it was found: a request part or a row of bulk input. */
export interface FieldError {
  /** Where the field was: body, querystring, params or headers. */
  in: string
  /** For bulk input: the 1-based number of the row the error is in. */
  row?: number
  /** The field's name, dotted for nested fields; empty for the whole part. */
  field: string
  message: string
}

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
    } else if (issue.keyword === 'x-well-formed') {
      message = 'must not contain control characters or unpaired surrogates'
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
