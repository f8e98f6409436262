import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/

/**
 * Request ids: a caller's own when plain, else this process's random prefix and a counter.
 * Unique across restarts like a UUID, at a fraction of its cost and length on every response.
 */
export function requestIds (): (request: IncomingMessage) => string {
  const prefix = randomBytes(6).toString('base64url')
  let count = 0
  return (request) => {
    const given = request.headers['x-request-id']
    return typeof given === 'string' && REQUEST_ID.test(given) ? given : `${prefix}-${(++count).toString(36)}`
  }
}
