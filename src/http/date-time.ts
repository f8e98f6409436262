import { validationProblem } from './problem.js'
import { isEpochMillis } from '../lib/value-domains.js'

// RFC 3339 date-time as the schema's `date-time` format (ajv-formats) accepts it: T, t or a
// space between date and time, any number of fraction digits, and Z, z or an offset as
// +hh, +hhmm or +hh:mm.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt\s](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function daysIn (year: number, month: number): number {
  const leapYear = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  return month === 2 && leapYear ? 29 : DAYS_IN_MONTH[month - 1]!
}

/**
 * An RFC 3339 date-time -> a valid Date, or null when the text is not one (never an Invalid
 * Date: its NaN would reach SQL). A leap second (23:59:60 UTC, which RFC 3339 allows and
 * `new Date` refuses) is clamped to 23:59:59.999: the last instant a Date can name before the
 * next minute, so `from` and `to` keep it on the right side of midnight. Fractions past
 * milliseconds are truncated.
 */
export function parseDateTime (text: string): Date | null {
  const match = DATE_TIME.exec(text)
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const millis = Number((match[7] ?? '').slice(0, 3).padEnd(3, '0'))
  const sign = match[9] === '-' ? -1 : 1
  const offsetMinutes = match[8] ? 0 : sign * (Number(match[10]) * 60 + Number(match[11] ?? 0))
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null
  if (hour > 23 || minute > 59 || second > 60 || Math.abs(offsetMinutes) >= 24 * 60 || Number(match[11] ?? 0) > 59) return null
  const leap = second === 60
  const date = new Date(0)
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute - offsetMinutes, leap ? 59 : second, leap ? 999 : millis)
  // A leap second exists only as the last second of a UTC day.
  if (leap && (date.getUTCHours() !== 23 || date.getUTCMinutes() !== 59)) return null
  return isEpochMillis(date.getTime()) ? date : null
}

/** A date-time query parameter: absent is null, one parseDateTime cannot read is a 400 naming `field`. */
export function readDateTime (field: string, text: string | undefined): Date | null {
  if (text === undefined) return null
  const date = parseDateTime(text)
  if (date === null) throw validationProblem([{ in: 'querystring', field, message: 'must be an RFC 3339 date-time' }])
  return date
}
