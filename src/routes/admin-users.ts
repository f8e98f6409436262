import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { decodeCursor, encodeCursor } from '../lib/cursor.js'
import { notFound, validationProblem } from '../lib/problem.js'
import type { User, UserPosition } from '../repositories/user-repository.js'
import { problemResponses } from '../schemas/common.js'
import { UserList, UserListQuery, UserParams, UserRecord, type UserRecordJson } from '../schemas/user.js'

const ADMIN = { security: [{ bearerAuth: [] }] }

function toUserJson (user: User): UserRecordJson {
  return { ...user, firstSeenAt: user.firstSeenAt.toISOString(), lastSeenAt: user.lastSeenAt.toISOString() }
}

function positionFromCursor (cursor: string | undefined): UserPosition | null {
  if (cursor === undefined) return null
  const position = decodeCursor(cursor)
  if (typeof position?.lastSeenAt !== 'number' || !Number.isSafeInteger(position.lastSeenAt) || typeof position.sub !== 'string') {
    throw validationProblem([{ in: 'querystring', field: 'cursor', message: 'is not a cursor this API issued' }])
  }
  return { lastSeenAt: position.lastSeenAt, sub: position.sub }
}

/** The tutorial's admin view of user records, read-only. */
const adminUserRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { users } = fastify.store
  fastify.addHook('onRequest', fastify.requireAdmin)

  fastify.get('/', {
    schema: {
      tags: ['admin'],
      summary: 'List user records, most recently seen first (admin)',
      ...ADMIN,
      querystring: UserListQuery,
      response: { 200: UserList, ...problemResponses(400, 401, 403) }
    }
  }, async (request) => {
    const page = await users.list({ limit: request.query.limit, after: positionFromCursor(request.query.cursor) })
    return { items: page.items.map(toUserJson), nextCursor: page.next ? encodeCursor({ ...page.next }) : null }
  })

  fastify.get('/:sub', {
    schema: {
      tags: ['admin'],
      summary: 'One user record (admin)',
      ...ADMIN,
      params: UserParams,
      response: { 200: UserRecord, ...problemResponses(400, 401, 403, 404, 414) }
    }
  }, async (request) => {
    const user = await users.get(request.params.sub)
    if (!user) throw notFound(`No user record for ${request.params.sub}.`)
    return toUserJson(user)
  })
}

export default adminUserRoutes
