import { readFileSync } from 'node:fs'
import t from 'tap'

// Generators (Swift, Kotlin, Java) and linters (Spectral) read the document's patterns as
// ECMA-262 without the u flag, PCRE or Java: no \p{...} classes, no \u escapes, and the same
// answers with and without the u flag for text without surrogate pairs.
const spec = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as unknown

function patterns (node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) patterns(item, found)
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') found.add(value)
      else patterns(value, found)
    }
  }
  return found
}

const SAMPLES = ['', 'Lamp', '  Lamp  ', ' ', '\u00a0', 'a\u0000b', 'tab\there', 'c1\u0085', 'é', '12.50', '99999.99', 'https://example.com/a.jpg',
  'HTTP://X', 'auth0|123', 'x'.repeat(60), '\u3000Lamp\u3000', 'order-1', '\u2028']

// A test name with a raw line separator (U+2028) would break the TAP stream: names are ASCII.
const label = (text: string) => text.replace(/[^ -~]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)

t.test('every pattern in the document is portable', async (t) => {
  const all = [...patterns(spec)]
  t.ok(all.length >= 5, `${all.length} patterns found`)
  for (const pattern of all) {
    t.notMatch(pattern, /\\[pPu]/, label(`${pattern}: no \\p, \\P or \\u escapes`))
    const plain = new RegExp(pattern)
    const unicode = new RegExp(pattern, 'u')
    for (const sample of SAMPLES) {
      t.equal(plain.test(sample), unicode.test(sample), label(`${pattern} reads ${JSON.stringify(sample)} alike with and without u`))
    }
  }
})

t.test('text fields that refuse control characters also carry x-well-formed', async (t) => {
  const text = JSON.stringify(spec)
  const controlPatterns = text.match(/"pattern":"[^"]*x00-\\\\x1F[^"]*","x-well-formed":true/g) ?? []
  const allControl = text.match(/"pattern":"[^"]*x00-\\\\x1F[^"]*"/g) ?? []
  t.ok(allControl.length > 0)
  t.equal(controlPatterns.length, allControl.length, 'every one is followed by x-well-formed: true')
})
