import type { TSchema } from '@sinclair/typebox'
import { AuditEntry, AuditPage } from './audit.js'
import { BulkDeleteRequest, BulkDeleteResult, BulkProducts, BulkResult } from './bulk.js'
import { ChangePage, ProductChange, ProductTombstone } from './changes.js'
import { ProblemSchema } from './common.js'
import { Health, Readiness } from './health.js'
import { Product, ProductCreate, ProductList, ProductPatch } from './product.js'
import { LogoutBody, LogoutResult, Me, UserList, UserRecord } from './user.js'

/**
 * The named shapes: buildApp registers each with addSchema, routes refer to them by $id, and
 * the OpenAPI document lists them under components.schemas with the same names.
 */
export const SHARED_SCHEMAS: TSchema[] = [
  ProblemSchema,
  Product, ProductCreate, ProductPatch, ProductList,
  BulkProducts, BulkResult, BulkDeleteRequest, BulkDeleteResult,
  ProductTombstone, ProductChange, ChangePage,
  AuditEntry, AuditPage,
  Me, LogoutBody, LogoutResult, UserRecord, UserList,
  Health, Readiness
]
