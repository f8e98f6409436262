import { productEtag } from '../lib/etag.js'
import { HttpProblem, notFound, validationProblem } from './problem.js'
import type { ChangeOutcome, FieldIssue } from '../services/products.js'
import type { Product } from '../store/types.js'

// The products service's outcomes as HTTP, shared by the product routes.

/** 400 naming each bad field; a bulk create's row errors get a count of the bad rows. */
export function invalidProblem (errors: FieldIssue[], where: 'body' | 'querystring', rows?: number): HttpProblem {
  const named = errors.map((error) => ({ in: where, ...error }))
  if (rows === undefined || !errors.some((error) => error.row !== undefined)) return validationProblem(named)
  const bad = new Set(errors.map((error) => error.row)).size
  return new HttpProblem(400, `${bad} of ${rows} rows are not valid; nothing was created.`, { errors: named })
}

export function keyReusedProblem (): HttpProblem {
  return new HttpProblem(422, 'This Idempotency-Key was already used with a different request.')
}

/** An update's or delete's outcome: the product, or 400, 404 or 412 naming the current ETag. */
export function changedProduct (id: number, outcome: ChangeOutcome): Product {
  switch (outcome.status) {
    case 'ok': return outcome.value
    case 'invalid': throw invalidProblem(outcome.errors, 'body')
    case 'not-found': throw notFound(`Product ${id} does not exist.`)
    case 'precondition-failed': {
      const etag = productEtag(outcome.current)
      throw new HttpProblem(412, `If-Match does not match the current ETag ${etag}; fetch the product again.`, { headers: { etag } })
    }
  }
}
