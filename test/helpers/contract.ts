import { readFileSync } from 'node:fs'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

// ajv-formats is CommonJS with a default export; under NodeNext its default is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

/** The parts of an OpenAPI 3.0 document the contract check reads. */
export interface OpenApiDocument {
  openapi?: string
  paths?: Record<string, Record<string, unknown>>
  components?: { schemas?: Record<string, unknown> }
}

/** One response as the server sent it. */
export interface ObservedResponse {
  method: string
  /**
   * The route's path template in OpenAPI form (`/products/{id}`), or undefined when no
   * route matched (the not-found handler).
   */
  path: string | undefined
  status: number
  /** The Content-Type header as sent (parameters such as charset are ignored), if any. */
  contentType: string | undefined
  /** The parsed body: JSON for JSON media types, the text otherwise, undefined when there is none. */
  body: unknown
  /** Whether there is a body at all (false for 204, HEAD, or an empty payload). */
  hasBody: boolean
  /** Set when the content type says JSON but the body does not parse. */
  notJson?: boolean
  /** Set for streamed bodies: status and content type are checked, the body is not read. */
  unread?: boolean
  /** The request URL, for the report only. */
  url?: string
}

export interface ContractViolation {
  method: string
  path: string
  url?: string
  status: number
  contentType?: string
  reason: string
  /** Ajv's errors, when the body failed its schema. */
  errors?: Array<{ instancePath: string; message?: string }>
  /** The start of the body, for the report. */
  body?: string
}

/** What the checker does with one response: null when it matches the document. */
export type ContractChecker = (response: ObservedResponse) => ContractViolation | null

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/
// The $id each components schema gets in Ajv; `#/components/schemas/X` refs are rewritten to it.
const COMPONENT_ID_BASE = 'https://contract.test/openapi/components/schemas/'

/** The committed spec, parsed. */
export function loadCommittedSpec (): OpenApiDocument {
  return JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as OpenApiDocument
}

/** Fastify's `/products/:id` (or `:id(^\\d+)`) -> OpenAPI's `/products/{id}`; a trailing slash is dropped. */
export function toOpenApiPath (fastifyUrl: string): string {
  const path = fastifyUrl.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}')
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

/** `application/json; charset=utf-8` -> `application/json`. */
export function mediaType (contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined
  const essence = contentType.split(';')[0]?.trim().toLowerCase()
  return essence === '' ? undefined : essence
}

export function isJsonMediaType (type: string | undefined): boolean {
  return type !== undefined && (type === 'application/json' || type.endsWith('+json'))
}

/**
 * An OpenAPI 3.0 Schema Object -> a JSON Schema (draft-07) Ajv understands:
 * `nullable: true` admits null, boolean exclusiveMinimum/Maximum become numeric, and
 * `#/components/schemas/X` refs point at the $id the component is registered under.
 */
export function toJsonSchema (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item))
  if (schema === null || typeof schema !== 'object') return schema
  const source = schema as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue
    if (key === '$ref' && typeof value === 'string') {
      const match = COMPONENT_REF.exec(value)
      out.$ref = match ? `${COMPONENT_ID_BASE}${match[1]}` : value
      continue
    }
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      // Maps of name -> schema: the names are data, not keywords.
      const map: Record<string, unknown> = {}
      for (const [name, sub] of Object.entries((value ?? {}) as Record<string, unknown>)) map[name] = toJsonSchema(sub)
      out[key] = map
      continue
    }
    out[key] = toJsonSchema(value)
  }
  if (source.exclusiveMinimum === true && typeof source.minimum === 'number') {
    out.exclusiveMinimum = source.minimum
    delete out.minimum
  } else if (typeof source.exclusiveMinimum === 'boolean') {
    delete out.exclusiveMinimum
  }
  if (source.exclusiveMaximum === true && typeof source.maximum === 'number') {
    out.exclusiveMaximum = source.maximum
    delete out.maximum
  } else if (typeof source.exclusiveMaximum === 'boolean') {
    delete out.exclusiveMaximum
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null']
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
    } else if (Array.isArray(out.type)) {
      if (!out.type.includes('null')) out.type = [...out.type, 'null']
    } else {
      return { anyOf: [out, { type: 'null' }] }
    }
  }
  return out
}

interface MediaEntry { schema?: unknown }
interface ResponseEntry { content?: Record<string, MediaEntry> }

function pickResponse (responses: Record<string, ResponseEntry>, status: number): { key: string; entry: ResponseEntry } | null {
  const exact = responses[String(status)]
  if (exact) return { key: String(status), entry: exact }
  const range = `${String(status)[0]}XX`
  const ranged = responses[range] ?? responses[range.toLowerCase()]
  if (ranged) return { key: range, entry: ranged }
  if (responses.default) return { key: 'default', entry: responses.default }
  return null
}

function pickMedia (content: Record<string, MediaEntry>, type: string): MediaEntry | null {
  for (const [key, entry] of Object.entries(content)) {
    const documented = mediaType(key)
    if (documented === type) return entry
  }
  for (const [key, entry] of Object.entries(content)) {
    const documented = mediaType(key)
    if (documented === '*/*') return entry
    if (documented?.endsWith('/*') && type.startsWith(documented.slice(0, -1))) return entry
  }
  return null
}

function preview (body: unknown): string | undefined {
  if (body === undefined) return undefined
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return text.length > 300 ? `${text.slice(0, 300)}...` : text
}

/**
 * A checker for responses against `spec` (OpenAPI 3.0). A response violates the contract when
 * its status is not documented for the operation, its content type is not documented for that
 * status, or its body fails the documented schema. Responses from routes the document does not
 * list (/docs, /openapi.json) are not checked; responses from no route at all (404s from the
 * not-found handler) must be problem+json that fits the Problem schema.
 */
export function createContractChecker (spec: OpenApiDocument): ContractChecker {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false })
  addFormats(ajv)
  // OpenAPI's own formats: checked where there is something to check, accepted otherwise.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 })
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) })
  for (const name of ['float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(name, true)
  const componentSchemas = spec.components?.schemas ?? {}
  for (const [name, schema] of Object.entries(componentSchemas)) {
    ajv.addSchema({ ...(toJsonSchema(schema) as object), $id: `${COMPONENT_ID_BASE}${name}` })
  }
  const problemValidator = componentSchemas.Problem
    ? ajv.getSchema(`${COMPONENT_ID_BASE}Problem`) ?? null
    : null
  const compiled = new Map<unknown, ValidateFunction>()
  const validatorFor = (schema: unknown): ValidateFunction => {
    let validate = compiled.get(schema)
    if (!validate) {
      validate = ajv.compile(toJsonSchema(schema) as object)
      compiled.set(schema, validate)
    }
    return validate
  }

  return (response) => {
    const { method, status } = response
    const type = mediaType(response.contentType)
    const base = {
      method,
      path: response.path ?? '(no route)',
      url: response.url,
      status,
      ...(response.contentType === undefined ? {} : { contentType: response.contentType })
    }
    const violation = (reason: string, extra: Partial<ContractViolation> = {}): ContractViolation =>
      ({ ...base, reason, body: preview(response.body), ...extra })
    const checkBody = (validate: ValidateFunction, what: string): ContractViolation | null => {
      if (!response.hasBody) return violation(`${what}: the response has no body`)
      if (response.notJson) return violation(`${what}: the body is not valid JSON`)
      if (validate(response.body)) return null
      return violation(`${what}: the body does not match the schema`, {
        errors: (validate.errors ?? []).slice(0, 10).map((error) => ({ instancePath: error.instancePath, message: error.message }))
      })
    }

    if (response.path === undefined) {
      if (status < 400) return violation('a response from no route that is not an error')
      if (type !== 'application/problem+json') return violation('an error from no route that is not application/problem+json')
      if (!problemValidator) return null
      return checkBody(problemValidator, 'Problem (no route)')
    }

    const pathItem = spec.paths?.[response.path]
    if (!pathItem) return null // not a documented route (/docs/*, /openapi.json, ...)
    let operationKey = method.toLowerCase()
    const headRequest = operationKey === 'head'
    if (headRequest && !pathItem.head && pathItem.get) operationKey = 'get' // Fastify's automatic HEAD routes
    const operation = HTTP_METHODS.has(operationKey) ? pathItem[operationKey] as { responses?: Record<string, ResponseEntry> } | undefined : undefined
    if (!operation) return violation(`the document has no ${method} operation on ${response.path}`)
    const picked = pickResponse(operation.responses ?? {}, status)
    if (!picked) return violation(`status ${status} is not documented for ${method} ${response.path}`)

    const content = picked.entry.content
    const noContent = !content || Object.keys(content).length === 0
    if (noContent) {
      if (response.hasBody) return violation(`response ${picked.key} is documented without content, but a body was sent`)
      return null
    }
    if (!response.hasBody) {
      // A HEAD response carries the headers of the GET without its body.
      if (headRequest) return type !== undefined && pickMedia(content, type) ? null : violation(`content type ${String(type)} is not documented for ${picked.key}`)
      return violation(`response ${picked.key} is documented with content (${Object.keys(content).join(', ')}), but none was sent`)
    }
    if (type === undefined) return violation(`response ${picked.key} has a body but no content type`)
    const media = pickMedia(content, type)
    if (!media) {
      return violation(`content type ${type} is not documented for ${method} ${response.path} ${picked.key} (documented: ${Object.keys(content).join(', ')})`)
    }
    if (media.schema === undefined || response.unread) return null
    return checkBody(validatorFor(media.schema), `${method} ${response.path} ${picked.key}`)
  }
}

/**
 * Reads a payload as onSend sees it, for the checker: JSON parsed, other text kept, and a
 * stream left alone (reading it here would consume it), so only its status and type are checked.
 */
export function readPayload (payload: unknown, contentType: string | undefined): Pick<ObservedResponse, 'hasBody' | 'body' | 'notJson' | 'unread'> {
  if (payload === null || payload === undefined) return { hasBody: false, body: undefined }
  let text: string
  if (typeof payload === 'string') text = payload
  else if (Buffer.isBuffer(payload)) text = payload.toString('utf8')
  else return { hasBody: true, body: undefined, unread: true }
  if (text === '') return { hasBody: false, body: undefined }
  if (!isJsonMediaType(mediaType(contentType))) return { hasBody: true, body: text }
  try {
    return { hasBody: true, body: JSON.parse(text) as unknown }
  } catch {
    return { hasBody: true, body: text, notJson: true }
  }
}
