import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { problemDocument } from '../lib/problem.js'

/** Errors Node's HTTP parser raises before Fastify sees a request: oversized headers or URL, garbage. */
export function clientErrorHandler (error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable) return
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const body = JSON.stringify(problemDocument(status, status === 431 ? 'The request headers or URL are too large.' : 'The request could not be parsed.'))
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  )
}
