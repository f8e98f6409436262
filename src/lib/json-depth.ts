/**
 * The deepest nesting of arrays and objects in a JSON text, found without parsing it.
 * JSON.parse copes with any depth, but JSON.stringify and recursive code after it do not.
 */
export function jsonDepth (text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth
    } else if (c === 0x5d || c === 0x7d) {
      depth--
    }
  }
  return max
}
