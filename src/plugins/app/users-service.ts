import fp from 'fastify-plugin'
import { createUserInfoClient } from '../../auth/userinfo-client.js'
import { auth0LogoutUrl } from '../../config.js'
import { type UserService, userService } from '../../services/users.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The user rules (src/services/users.ts): seen records, profiles, logout, the admin view. */
    users: UserService
  }
}

/** The users service, with the issuer's userinfo client, made once for every route. */
export default fp(
  async function usersServicePlugin (fastify) {
    const { config } = fastify
    fastify.decorate('users', userService(fastify.store, {
      userinfo: (onProfile) => createUserInfoClient({
        url: `${fastify.issuer.issuer}userinfo`,
        ttlMs: config.USERINFO_TTL_SECONDS * 1000,
        timeoutMs: config.USERINFO_TIMEOUT_MS,
        onProfile
      }),
      logoutUrl: auth0LogoutUrl(config)
    }))
  },
  { name: 'users-service', dependencies: ['config', 'store', 'auth'] }
)
