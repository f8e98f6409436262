import { HttpProblem } from './problem.js'

/** A Content-Type as RFC 9110 defines it: type, subtype and parameter names are case-insensitive. */
export interface MediaType {
  /** type/subtype, lower-cased. */
  type: string
  /** The charset parameter, unquoted and lower-cased, if there is one. */
  charset: string | undefined
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const ESSENCE = new RegExp(`^[\\t ]*(${TOKEN}/${TOKEN})[\\t ]*`)
const PARAMETER = new RegExp(`;[\\t ]*(?:(${TOKEN})=(${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))?[\\t ]*`, 'y')

/** Parses a Content-Type header; null when it has no type/subtype. Malformed parameters are ignored. */
export function parseMediaType (header: string | undefined): MediaType | null {
  const essence = header === undefined ? null : ESSENCE.exec(header)
  if (header === undefined || essence === null) return null
  let charset: string | undefined
  PARAMETER.lastIndex = essence[0].length
  for (let match = PARAMETER.exec(header); match !== null && match[0] !== ''; match = PARAMETER.exec(header)) {
    const [, name, value] = match
    if (name?.toLowerCase() === 'charset' && value !== undefined) {
      charset = (value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value).toLowerCase()
    }
  }
  return { type: essence[1]!.toLowerCase(), charset }
}

// "utf8" is not an IANA name, but WHATWG's encoding standard (and every client) takes it for UTF-8.
const UTF8 = new Set(['utf-8', 'utf8'])
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * A text body as UTF-8, the only charset this API reads: another declared charset is 415
 * (not guessed at), and bytes that are not UTF-8 are 400 (not replaced by U+FFFD).
 */
export function decodeUtf8Body (header: string | undefined, body: Buffer): string {
  const charset = parseMediaType(header)?.charset
  if (charset !== undefined && !UTF8.has(charset)) {
    throw new HttpProblem(415, `Unsupported charset "${charset}"; send UTF-8.`)
  }
  try {
    return decoder.decode(body)
  } catch {
    throw new HttpProblem(400, 'The body is not valid UTF-8.')
  }
}
