import type { FastifyBaseLogger } from 'fastify'
import { LRUCache } from 'lru-cache'
import type { Principal } from '../auth/principal.js'
import type { Store, User, UserPosition, UserProfile, UserRepository } from '../store/types.js'

// Users: first sight, last seen and the admin-status mirror, the profile from userinfo, the admin view.

const WRITE_EVERY_MS = 60_000

export interface SeenRecorder {
  /** The write when one is due (its failure is logged, never thrown), else undefined. */
  record(principal: Principal, log: FastifyBaseLogger): Promise<void> | undefined
}

/**
 * Keeps the users table's lastSeenAt and isAdmin current without a write per request:
 * a subject is written on first sight, then at most once a minute, or at once when
 * its admin status changes. Authorization never reads what this writes. The request waits for
 * a due write (a round trip on PostgreSQL), so the admin view shows a user once answered.
 */
export function createSeenRecorder (users: UserRepository, maxSubjects = 50_000): SeenRecorder {
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

export function userService (store: Store) {
  const { users } = store
  return {
    /** A user record, or null when this subject was never seen. */
    get: (sub: string): Promise<User | null> => users.get(sub),
    /** User records, most recently seen first. */
    list: (limit: number, after: UserPosition | null) => users.list({ limit, after }),
    /** Keeps the record's name, email and picture as the issuer's userinfo last gave them. */
    updateProfile: (sub: string, profile: UserProfile): Promise<void> => users.updateProfile(sub, profile)
  }
}
