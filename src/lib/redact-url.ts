// A parameter whose name says it may carry a credential; matched on the decoded name.
const SECRET_NAME = /token|jwt|code|secret|passw|pwd|key|auth|session|sig|credential/i
// A compact JWS or JWE (three or five base64url parts), whatever the parameter is called.
const JWT_SHAPED = /^([A-Za-z0-9_-]+)(\.[A-Za-z0-9_-]+){1,3}\.[A-Za-z0-9_-]*$/
// A JWT inside a longer value (a URL passed as a parameter, say): its header starts {" -> eyJ.
const JWT_INSIDE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\./
const REDACTED = '[redacted]'

function decode (text: string): string | null {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '))
  } catch {
    return null
  }
}

// The shape alone would also take "1.2.3" or "www.example.com": a JWT's first part is a JSON object.
function looksLikeJwt (text: string): boolean {
  const first = JWT_SHAPED.exec(text)?.[1]
  if (first !== undefined && Buffer.from(first, 'base64url').toString('latin1').trimStart().startsWith('{')) return true
  return JWT_INSIDE.test(text)
}

function redactParameter (part: string): string {
  const equals = part.indexOf('=')
  const rawName = equals === -1 ? part : part.slice(0, equals)
  const name = decode(rawName)
  // A name that cannot be decoded, or is itself a token, cannot be judged: nothing of it is kept.
  if (name === null || looksLikeJwt(name)) return REDACTED
  if (equals === -1) return part
  const value = decode(part.slice(equals + 1))
  if (SECRET_NAME.test(name) || value === null || looksLikeJwt(value)) return `${rawName}=${REDACTED}`
  return part
}

/** The URL as it may be logged: query parameters that can carry a credential masked, by rule. */
export function redactUrl (url: string): string {
  const question = url.indexOf('?')
  if (question === -1) return url
  return `${url.slice(0, question + 1)}${url.slice(question + 1).split('&').map(redactParameter).join('&')}`
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i

/**
 * A connection URL as it may be shown in an error or a log: the password in its user-info
 * replaced by ***, and the query parameters that can carry a credential masked as redactUrl does.
 * A driver may read an unencoded @ / ? or # as part of the password or of the query: when the
 * text can be read both ways, nothing past the user name is shown.
 */
export function redactCredentials (text: string): string {
  // Without a scheme:// (a typo), the whole text is read as user-info@rest, never shown as it is.
  const scheme = SCHEME.exec(text)?.[0] ?? ''
  const rest = text.slice(scheme.length)
  const at = rest.lastIndexOf('@')
  if (at === -1) return `${scheme}${redactUrl(rest)}`
  const userInfo = rest.slice(0, at)
  const colon = userInfo.indexOf(':')
  const user = colon === -1 ? userInfo : userInfo.slice(0, colon)
  const plainUser = /[/?#@]/.test(user) ? '' : user
  if (/[/?#]/.test(userInfo)) return `${scheme}${plainUser ? `${plainUser}:` : ''}***`
  // A lone user name is no secret (postgres://nobody@host); anything after a colon is the password.
  const shown = colon === -1 && plainUser === user ? user : plainUser ? `${plainUser}:***` : '***'
  return `${scheme}${shown}@${redactUrl(rest.slice(at + 1))}`
}

/** The password in a URL's user-info (taken up to the last @, as redactCredentials does), decoded too; none for none. */
export function urlPasswords (text: string): string[] {
  const rest = text.slice(SCHEME.exec(text)?.[0].length ?? 0)
  const password = /^[^:@/]*:(.*)@/.exec(rest)?.[1]
  if (!password) return []
  let decoded = password
  try {
    decoded = decodeURIComponent(password)
  } catch {}
  return decoded === password ? [password] : [password, decoded]
}
