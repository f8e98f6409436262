/**
 * The database a run measures: a SQLite file in the run's temporary directory, or a fresh
 * PostgreSQL database made for the run (dropped after it, also on a signal). The API creates
 * its own schema: it is started once on the empty database and stopped, then the rows go in.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import pg from 'pg'
import { onCleanup } from './children.js'
import type { BenchIssuer } from './issuer.js'
import { seedPg, seedSqlite, type SeedResult } from './seed.js'
import { startApi, stopApi } from './server-process.js'

export type Backend = 'sqlite' | 'pg'
export const BACKENDS: Backend[] = ['sqlite', 'pg']

/** Where --backend pg creates its databases (trust auth); BENCH_PG_URL overrides it. */
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchDatabase {
  backend: Backend
  /** DATABASE_URL for the API and the baselines. */
  url: string
  drop(): Promise<void>
}

async function withAdmin<T> (run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(`--backend pg: cannot connect to PostgreSQL at ${PG_ADMIN_URL} (set BENCH_PG_URL): ${error instanceof Error ? error.message : String(error)}`)
  }
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}

async function createPgDatabase (): Promise<BenchDatabase> {
  const name = `store_api_bench_${randomBytes(6).toString('hex')}`
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`))
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  const drop = async () => {
    unregister()
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))
  }
  const unregister = onCleanup(drop)
  return { backend: 'pg', url: url.href, drop }
}

export async function createDatabase (backend: Backend, dir: string, name: string): Promise<BenchDatabase> {
  if (backend === 'pg') return createPgDatabase()
  // Removed with the temporary directory.
  return { backend, url: `file:${join(dir, `${name}.db`)}`, drop: async () => {} }
}

export interface PreparedDatabase {
  db: BenchDatabase
  seed: SeedResult
}

/** A new database with the API's schema and `products` seeded products. */
export async function prepareDatabase (options: { backend: Backend; dir: string; name: string; products: number; issuer: BenchIssuer }): Promise<PreparedDatabase> {
  const db = await createDatabase(options.backend, options.dir, options.name)
  try {
    const api = await startApi({ issuer: options.issuer, databaseUrl: db.url, label: `${options.name}-schema`, logLevel: 'warn', profile: false })
    await stopApi(api)
    const seed = db.backend === 'pg'
      ? await seedPg(db.url, options.products)
      : seedSqlite(db.url.slice('file:'.length), options.products)
    return { db, seed }
  } catch (error) {
    await db.drop()
    throw error
  }
}
