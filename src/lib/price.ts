// Decimal(7,2): up to five integer digits and two decimals, so 99999.99 at most by construction.
const PRICE_TEXT = /^(\d{1,5})(?:\.(\d{1,2}))?$/

/**
 * Exact decimal -> integer cents, or null when the value is not a price.
 * A JSON number is read through its shortest decimal form, so 899.99 is 89999 cents
 * while 0.1 + 0.2 (0.30000000000000004) is refused rather than rounded.
 */
export function parsePrice (value: string | number): number | null {
  let text: string
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null
    text = String(value)
  } else {
    text = value
  }
  const match = PRICE_TEXT.exec(text)
  if (!match) return null
  const whole = Number(match[1])
  const fraction = Number((match[2] ?? '').padEnd(2, '0'))
  return whole * 100 + fraction
}

/** Integer cents -> the two-decimal string every response carries. */
export function formatPrice (cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}
