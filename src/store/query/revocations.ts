import { type Column, type SQL, sql } from 'drizzle-orm'

/** The revocation tables' columns the check reads, as each dialect's schema declares them. */
export interface RevocationTables {
  tokens: { sub: Column, tokenId: Column }
  subjects: { sub: Column, revokedBefore: Column }
}

/**
 * Both primary-key lookups of a revocation check in one statement (placeholders `sub` and
 * `tokenId`): no scan, whatever the table sizes, and one round trip.
 */
export function revocationCheck ({ tokens, subjects }: RevocationTables) {
  const sub = sql.placeholder('sub')
  return {
    fields: {
      tokenRevoked: sql<boolean>`exists (select 1 from ${tokens.sub.table} where ${tokens.sub} = ${sub} and ${tokens.tokenId} = ${sql.placeholder('tokenId')})`.mapWith(Boolean),
      revokedBefore: sql<number | null>`(select ${subjects.revokedBefore} from ${subjects.sub.table} where ${subjects.sub} = ${sub})`.mapWith(Number)
    },
    from: sql`(select 1) as one` as SQL
  }
}

/** A token without iat cannot prove it came after an "everywhere" logout, so it counts as older. */
export function isRevoked (check: { tokenRevoked: boolean, revokedBefore: number | null } | undefined, issuedAt: number | null): boolean {
  if (!check) return false
  const { tokenRevoked, revokedBefore } = check
  return tokenRevoked || (revokedBefore !== null && (issuedAt === null || issuedAt <= revokedBefore))
}
