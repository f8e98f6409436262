import type { Principal } from '../auth/principal.js'
import { auth0LogoutUrl, type Config } from '../config.js'
import type { Store } from '../store/types.js'

/** Logout: revoke the presented token (or every token of the user until now), and where to send the browser. */
export function logoutService (store: Store, config: Config) {
  const { revocations } = store
  const logoutUrl = auth0LogoutUrl(config)
  return {
    async logout (principal: Principal, everywhere: boolean): Promise<{ logoutUrl: string | null }> {
      await revocations.revokeToken(principal.sub, principal.tokenId, new Date(principal.exp * 1000))
      if (everywhere) await revocations.revokeSubject(principal.sub, Math.floor(Date.now() / 1000))
      return { logoutUrl }
    }
  }
}
