import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { encodeCursor, readUserCursor } from '../http/cursor.js'
import { notFound } from '../http/problem.js'
import type { User } from '../store/types.js'
import { HEADERS, jsonResponse, problemResponses } from '../schemas/common.js'
import { UserList, UserListQuery, UserParams, UserRecord, type UserRecordJson } from '../schemas/user.js'

const ADMIN = { security: [{ bearerAuth: [] }] }

function toUserJson (user: User): UserRecordJson {
  return { ...user, firstSeenAt: user.firstSeenAt.toISOString(), lastSeenAt: user.lastSeenAt.toISOString() }
}

/** The tutorial's admin view of user records, read-only. */
const adminUserRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.addHook('onRequest', fastify.requireAdmin)

  fastify.get('/', {
    schema: {
      tags: ['admin'],
      operationId: 'listUsers',
      summary: 'List user records, most recently seen first (admin)',
      description: 'Admin only. Every user whose token this API has seen; follow nextCursor for more.',
      ...ADMIN,
      querystring: UserListQuery,
      response: { 200: jsonResponse(UserList, 'A page of users', HEADERS.rateLimit), ...problemResponses(400, 401, 403) }
    }
  }, async (request) => {
    const page = await fastify.users.list(request.query.limit, readUserCursor(request.query.cursor))
    return { items: page.items.map(toUserJson), nextCursor: page.next ? encodeCursor({ ...page.next }) : null }
  })

  fastify.get('/:sub', {
    schema: {
      tags: ['admin'],
      operationId: 'getUser',
      summary: 'One user record (admin)',
      description: 'Admin only. The record of one subject, as last seen in a token.',
      ...ADMIN,
      params: UserParams,
      response: { 200: jsonResponse(UserRecord, 'The user', HEADERS.rateLimit), ...problemResponses(400, 401, 403, 404, 414) }
    }
  }, async (request) => {
    const user = await fastify.users.get(request.params.sub)
    if (!user) throw notFound(`No user record for ${request.params.sub}.`)
    return toUserJson(user)
  })
}

export default adminUserRoutes
