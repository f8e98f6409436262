/**
 * What one JSON text may hold. JSON.parse copes with any depth, but JSON.stringify and recursive
 * code after it do not; and a megabyte of `{},` is a third of a million objects, which takes
 * JSON.parse a blocking third of a second. No valid request comes near either limit.
 */
export const JSON_LIMITS = { depth: 32, values: 10_000 }

/**
 * The first of `limits` a JSON text exceeds, found without parsing it and stopping as soon as
 * one is passed. Values are counted as opened arrays and objects plus commas outside strings.
 */
export function exceededJsonLimit (text: string, limits: typeof JSON_LIMITS = JSON_LIMITS): 'depth' | 'values' | null {
  let depth = 0
  let values = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limits.depth) return 'depth'
      if (++values > limits.values) return 'values'
    } else if (c === 0x2c) {
      if (++values > limits.values) return 'values'
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return null
}
