import { hash } from 'node:crypto'

/** A strong ETag naming one version of one product. */
export function productEtag (product: { id: number; version: number }): string {
  return `"${product.id}-${product.version}"`
}

/** A weak ETag over anything that identifies a response's content. */
export function weakEtag (content: string): string {
  return `W/"${hash('sha1', content, 'base64url')}"`
}

function tags (header: string): string[] {
  return header.split(',').map((tag) => tag.trim()).filter(Boolean)
}

/** If-None-Match (weak comparison, RFC 9110 13.1.2): true when the current tag is listed or * is sent. */
export function noneMatch (header: string | undefined, current: string): boolean {
  if (!header) return false
  const bare = current.replace(/^W\//, '')
  return tags(header).some((tag) => tag === '*' || tag.replace(/^W\//, '') === bare)
}

/**
 * If-Match (strong comparison, RFC 9110 13.1.1): undefined when absent, true for *,
 * otherwise whether the current tag is listed. Weak tags never match.
 */
export function ifMatch (header: string | undefined, current: string): boolean | undefined {
  if (header === undefined) return undefined
  return tags(header).some((tag) => tag === '*' || tag === current)
}
