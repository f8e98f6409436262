import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { auth0LogoutUrl } from '../config.js'
import { createUserInfoClient } from '../auth/userinfo-client.js'
import { HEADERS, jsonResponse, problemResponses, ref } from '../schemas/common.js'
import type { Principal } from '../auth/principal.js'
import type { UserProfile } from '../repositories/user-repository.js'
import { LogoutBody, LogoutResult, Me, type MeBody } from '../schemas/user.js'

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
  const { config, store } = fastify
  const userinfo = createUserInfoClient({
    url: `${fastify.issuer.issuer}userinfo`,
    ttlMs: config.USERINFO_TTL_SECONDS * 1000,
    timeoutMs: config.USERINFO_TIMEOUT_MS,
    onProfile: (sub, profile) => store.users.updateProfile(sub, profile)
  })
  const logoutUrl = auth0LogoutUrl(config)

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
    const cached = userinfo.cached(principal.sub)
    if (cached) return me(principal, cached.profile)
    return userinfo.profile(principal.sub, request.accessToken!).then((profile) => me(principal, profile))
  })

  fastify.post('/logout', {
    onRequest: fastify.authenticate,
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
    await store.revocations.revokeToken(principal.tokenId, principal.sub, new Date(principal.exp * 1000))
    if (request.body?.everywhere) {
      await store.revocations.revokeSubject(principal.sub, Math.floor(Date.now() / 1000))
    }
    request.log.info({ sub: principal.sub, everywhere: Boolean(request.body?.everywhere) }, 'logged out')
    return { revoked: true as const, logoutUrl }
  })
}

export default meRoutes
