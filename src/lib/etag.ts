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

/** An If-Match header as the products service checks it: * or a list of entity tags. */
export type IfMatch = { kind: 'any' } | { kind: 'etags', tags: string[] }

/** If-Match (RFC 9110 13.1.1) parsed; undefined when absent. Compared strongly: a weak tag never matches. */
export function parseIfMatch (header: string | undefined): IfMatch | undefined {
  if (header === undefined) return undefined
  const listed = tags(header)
  return listed.includes('*') ? { kind: 'any' } : { kind: 'etags', tags: listed }
}
