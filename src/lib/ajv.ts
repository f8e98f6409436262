import { Ajv, type Options } from 'ajv'
import addFormatsModule from 'ajv-formats'

// ajv-formats is CommonJS with a default export; under NodeNext its default is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default

const LONE_SURROGATE = /\p{Cs}/u

/**
 * Bodies are JSON and must already have the right types ("5" is not a number, true is not a
 * title), so they get a non-coercing Ajv; query strings, params and headers arrive as text
 * and are coerced to the schema's types.
 */
export function createAjv (coerce: boolean): Ajv {
  // verbose: errors carry their schema, whose description words union failures (see fieldErrors).
  const options: Options = { verbose: true, useDefaults: true, removeAdditional: false, allErrors: true, strict: false, coerceTypes: coerce ? 'array' : false }
  const ajv = new Ajv(options)
  addFormats(ajv)
  // Half a surrogate pair is ill-formed UTF-16 that a database would store as U+FFFD; no pattern
  // portable to PCRE and Java can name it, so schemas say `x-well-formed: true` instead.
  ajv.addKeyword({
    keyword: 'x-well-formed',
    type: 'string',
    schemaType: 'boolean',
    validate: (enabled: boolean, data: string) => !enabled || !LONE_SURROGATE.test(data)
  })
  return ajv
}
