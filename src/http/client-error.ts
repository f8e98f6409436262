import { STATUS_CODES } from 'node:http'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { problemDocument } from './problem.js'
import { SECURITY_HEADERS } from './security-headers.js'
import { requestIds } from './request-id.js'

const HEADER_LINES = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('')
const nextId = requestIds()

/**
 * Errors Node's HTTP parser raises before Fastify sees a request: oversized headers or URL,
 * garbage. They carry a request id and the security headers like every other answer.
 */
export function clientErrorHandler (error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) return
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const requestId = nextId({ headers: {} } as IncomingMessage)
  const detail = status === 431 ? 'The request headers or URL are too large.' : 'The request could not be parsed.'
  const body = JSON.stringify(problemDocument(status, detail, { requestId }))
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n${HEADER_LINES}Connection: close\r\n\r\n${body}`
  )
}
