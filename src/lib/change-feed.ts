/** Tombstones of deleted products are kept this long (documented: a client must sync at least this often). */
export const TOMBSTONE_RETENTION_DAYS = 30
const RETENTION_MS = TOMBSTONE_RETENTION_DAYS * 24 * 60 * 60 * 1000

/** Tombstones of deletions before this may be purged. */
export function tombstonePurgeCutoff (now = Date.now()): Date {
  return new Date(now - RETENTION_MS)
}
