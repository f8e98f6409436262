export interface User {
  sub: string
  name: string | null
  email: string | null
  picture: string | null
  isAdmin: boolean
  firstSeenAt: Date
  lastSeenAt: Date
}

export interface UserProfile {
  name: string | null
  email: string | null
  picture: string | null
}

/** Where a page of users starts: after this (lastSeenAt, sub), in most-recently-seen-first order. */
export interface UserPosition {
  lastSeenAt: number
  sub: string
}

export interface UserRepository {
  /** Creates the record on a subject's first sight, else records when it was seen and as what. */
  recordSeen(sub: string, isAdmin: boolean, at: Date): Promise<void>
  updateProfile(sub: string, profile: UserProfile): Promise<void>
  get(sub: string): Promise<User | null>
  list(query: { limit: number; after: UserPosition | null }): Promise<{ items: User[]; next: UserPosition | null }>
}
