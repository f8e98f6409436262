import type { FastifyRequest } from 'fastify'
import type { ChangeContext } from '../store/types.js'

/** Who made a change and in which request, as the audit trail records it. */
export function changeContext (request: FastifyRequest): ChangeContext {
  return { actor: request.principal?.sub ?? 'anonymous', requestId: String(request.id) }
}
