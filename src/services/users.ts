import { LRUCache } from 'lru-cache'
import type { Principal } from '../auth/principal.js'
import type { UserInfoClient } from '../auth/userinfo-client.js'
import type { Store, User, UserPosition, UserProfile, UserRepository } from '../store/types.js'

// Users: first sight, last seen and the admin-status mirror, the profile from userinfo, logout, the admin view.

const WRITE_EVERY_MS = 60_000

/** Where a failed write is reported: the request's logger. */
export interface WarningLog {
  warn(details: object, message: string): void
}

export interface SeenRecorder {
  /** The write when one is due (its failure is logged, never thrown), else undefined. */
  record(principal: Principal, log: WarningLog): Promise<void> | undefined
}

/**
 * Keeps the users table's lastSeenAt and isAdmin current without a write per request:
 * a subject is written on first sight, then at most once a minute, or at once when
 * its admin status changes. Authorization never reads what this writes. The request waits for
 * a due write (a round trip on PostgreSQL), so the admin view shows a user once answered.
 */
function createSeenRecorder (users: UserRepository, maxSubjects = 50_000): SeenRecorder {
  const written = new LRUCache<string, { at: number; isAdmin: boolean }>({ max: maxSubjects })
  return {
    record (principal, log) {
      const now = Date.now()
      const last = written.get(principal.sub)
      if (last && now - last.at < WRITE_EVERY_MS && last.isAdmin === principal.isAdmin) return undefined
      written.set(principal.sub, { at: now, isAdmin: principal.isAdmin })
      return users.recordSeen(principal.sub, principal.isAdmin, new Date(now)).catch((error: unknown) => {
        // Losing a lastSeenAt update must not fail the request it rides on.
        written.delete(principal.sub)
        log.warn({ err: error, sub: principal.sub }, 'could not record the user as seen')
      })
    }
  }
}

export interface UserServiceOptions {
  /** The issuer's userinfo endpoint, asked with the user's own token. */
  userinfo: (onProfile: (sub: string, profile: UserProfile) => Promise<void>) => UserInfoClient
  /** Where a browser goes to end its Auth0 session, when configured. */
  logoutUrl: string | null
}

export function userService (store: Store, options: UserServiceOptions) {
  const { users, revocations } = store
  const seen = createSeenRecorder(users)
  // Each profile freshly fetched keeps the user record's name, email and picture current.
  const userinfo = options.userinfo((sub, profile) => users.updateProfile(sub, profile))
  return {
    /** Records a principal as seen; see createSeenRecorder. */
    recordSeen: (principal: Principal, log: WarningLog) => seen.record(principal, log),
    /** A user record, or null when this subject was never seen. */
    get: (sub: string): Promise<User | null> => users.get(sub),
    /** User records, most recently seen first. */
    list: (limit: number, after: UserPosition | null) => users.list({ limit, after }),
    /** The profile the issuer gives for this token's user, or null when it cannot be had now. */
    profile: (sub: string, token: string): Promise<UserProfile | null> => userinfo.profile(sub, token),
    /** What `profile` would answer from its cache alone; undefined when it would have to ask. */
    cachedProfile: (sub: string) => userinfo.cached(sub),
    /** Revokes the presented token (or every token of the user until now); where to send the browser. */
    async logout (principal: Principal, everywhere: boolean): Promise<{ logoutUrl: string | null }> {
      await revocations.revokeToken(principal.sub, principal.tokenId, new Date(principal.exp * 1000))
      if (everywhere) await revocations.revokeSubject(principal.sub, Math.floor(Date.now() / 1000))
      return { logoutUrl: options.logoutUrl }
    }
  }
}

export type UserService = ReturnType<typeof userService>
