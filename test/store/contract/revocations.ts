import type { Test } from 'tap'
import { tagged, type StoreFor } from './helpers.js'

/** The revocation repository: single tokens, everything of a subject, generation and purge. */
export function revocationContract (t: Test, storeFor: StoreFor): void {
  t.test('revocations: by subject and token id, everywhere, generation, purge', async (t) => {
    const store = await storeFor(t)
    const tag = tagged()
    const later = new Date(Date.now() + 3_600_000)
    const g0 = store.revocations.generation()
    await store.revocations.revokeToken(`${tag}|a`, 'jti-1', later)
    t.not(store.revocations.generation(), g0, 'a revocation moves the generation')
    t.equal(await store.revocations.isRevoked(`${tag}|a`, 'jti-1', 100), true)
    t.equal(await store.revocations.isRevoked(`${tag}|b`, 'jti-1', 100), false, 'another subject with the same jti is not revoked')
    t.equal(await store.revocations.isRevoked(`${tag}|a`, 'jti-2', 100), false)
    await store.revocations.revokeToken(`${tag}|b`, 'jti-1', later)
    await store.revocations.revokeToken(`${tag}|b`, 'jti-1', later)
    t.equal(await store.revocations.isRevoked(`${tag}|b`, 'jti-1', 100), true, 'both subjects revoked; a repeat is harmless')

    await store.revocations.revokeSubject(`${tag}|c`, 1000)
    await store.revocations.revokeSubject(`${tag}|c`, 500)
    t.equal(await store.revocations.isRevoked(`${tag}|c`, 'any', 999), true)
    t.equal(await store.revocations.isRevoked(`${tag}|c`, 'any', 1000), true, 'issued at the logout second')
    t.equal(await store.revocations.isRevoked(`${tag}|c`, 'any', 1001), false, 'issued after; an earlier logout does not move it back')
    t.equal(await store.revocations.isRevoked(`${tag}|c`, 'any', null), true, 'a token without iat counts as older')
    t.equal(await store.revocations.isRevoked(`${tag}|d`, 'any', null), false)

    await store.revocations.revokeToken(`${tag}|e`, 'old', new Date(Date.now() - 1000))
    t.equal(await store.revocations.purgeExpired(new Date()), 1, 'only the expired one')
    t.equal(await store.revocations.isRevoked(`${tag}|e`, 'old', 100), false)
    t.equal(await store.revocations.isRevoked(`${tag}|a`, 'jti-1', 100), true)
  })
}
