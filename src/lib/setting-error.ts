import { redactCredentials, urlPasswords } from './redact-url.js'

/**
 * A start-up failure one setting is the cause of: its message names the setting and shows
 * its value with any password masked, then the reason, e.g.
 * `DATABASE_URL (postgres://nobody@127.0.0.1:1/x): cannot connect: ECONNREFUSED`.
 */
export class SettingError extends Error {
  override name = 'SettingError'
  readonly setting: string

  constructor (setting: string, value: string, reason: string, options?: ErrorOptions) {
    super(`${setting} (${redactCredentials(value)}): ${withoutPassword(reason, value)}`, options)
    this.setting = setting
  }
}

// Node's socket and resolver codes, as what they mean for the setting that named the address.
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'cannot connect',
  ECONNRESET: 'cannot connect',
  EHOSTUNREACH: 'cannot connect',
  ENETUNREACH: 'cannot connect',
  ETIMEDOUT: 'no answer in time',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'unknown host'
}

interface Described {
  code?: unknown
  message?: unknown
  errors?: unknown
  cause?: unknown
}

/** The errors `error` is made of: itself, its cause chain and an AggregateError's parts (Node's dual-stack connect). */
export function errorChain (error: unknown): Described[] {
  const found: Described[] = []
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || depth > 4) return
    const described = value as Described
    found.push(described)
    if (Array.isArray(described.errors)) for (const part of described.errors) visit(part, depth + 1)
    visit(described.cause, depth + 1)
  }
  visit(error, 0)
  return found
}

/** "cannot connect: ECONNREFUSED", "unknown host: ENOTFOUND"..., or null when no socket code explains `error`. */
export function networkReason (error: unknown): string | null {
  for (const part of errorChain(error)) {
    if (typeof part.code === 'string' && part.code in NETWORK_REASONS) return `${NETWORK_REASONS[part.code]}: ${part.code}`
  }
  for (const part of errorChain(error)) {
    if (typeof part.message === 'string' && /timeout|timed out/i.test(part.message)) return 'no answer in time'
  }
  return null
}

/** The first message in `error`'s chain, for a reason nothing more specific explains. */
export function firstMessage (error: unknown): string {
  const message = errorChain(error).map((part) => part.message).find((text) => typeof text === 'string' && text !== '')
  return typeof message === 'string' ? message : String(error)
}

// A driver's message could quote the password it was given: it is cut out, encoded or not.
function withoutPassword (reason: string, value: string): string {
  return urlPasswords(value).reduce((text, password) => text.replaceAll(password, '***'), reason)
}
