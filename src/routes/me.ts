import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Principal } from '../auth/principal.js'
import type { UserProfile } from '../store/types.js'
import { HEADERS, jsonResponse, problemResponses } from '../schemas/common.js'
import { Me, type MeBody } from '../schemas/user.js'

const SIGNED_IN = { security: [{ bearerAuth: [] }] }

function me (principal: Principal, profile: UserProfile | null): MeBody {
  return {
    sub: principal.sub,
    name: profile?.name ?? null,
    email: profile?.email ?? null,
    picture: profile?.picture ?? null,
    roles: principal.roles,
    permissions: principal.permissions,
    isAdmin: principal.isAdmin
  }
}

const meRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { users } = fastify

  fastify.get('/me', {
    onRequest: fastify.authenticate,
    schema: {
      tags: ['identity'],
      operationId: 'getMe',
      summary: 'The signed-in user',
      description: 'Any valid token. Who the token says you are, with the profile from the issuer when it answers.',
      ...SIGNED_IN,
      response: { 200: jsonResponse(Me, 'The signed-in user', HEADERS.rateLimit), ...problemResponses(401) }
    }
  }, (request) => {
    const principal = request.principal!
    // Not async: a cached profile is answered without a promise on the way.
    const cached = users.cachedProfile(principal.sub)
    if (cached) return me(principal, cached.profile)
    return users.profile(principal.sub, request.accessToken!).then((profile) => me(principal, profile))
  })
}

export default meRoutes
