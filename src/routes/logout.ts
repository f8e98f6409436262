import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { writeBudget } from '../plugins/external/rate-limit.js'
import { HEADERS, jsonResponse, problemResponses, ref } from '../schemas/common.js'
import { LogoutBody, LogoutResult } from '../schemas/user.js'

const SIGNED_IN = { security: [{ bearerAuth: [] }] }

const logoutRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.post('/logout', {
    onRequest: fastify.authenticate,
    config: { rateLimit: writeBudget },
    // `curl -X POST /logout` sends no body at all; that means the defaults.
    preValidation: async (request) => {
      request.body ??= {}
    },
    schema: {
      tags: ['identity'],
      operationId: 'logout',
      summary: 'Log out: revoke this token (or every token until now), and get the Auth0 logout URL',
      description: 'The presented token stops working at once, until its expiry. With {"everywhere": true}, every token of the user issued until now does too.',
      ...SIGNED_IN,
      'x-body-optional': true,
      body: ref(LogoutBody),
      response: { 200: jsonResponse(LogoutResult, 'Logged out', HEADERS.rateLimit), ...problemResponses(400, 401, 413, 415) }
    }
  }, async (request) => {
    const principal = request.principal!
    const everywhere = Boolean(request.body?.everywhere)
    const { logoutUrl } = await fastify.users.logout(principal, everywhere)
    request.log.info({ sub: principal.sub, everywhere }, 'logged out')
    return { revoked: true as const, logoutUrl }
  })
}

export default logoutRoutes
