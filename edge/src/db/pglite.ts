import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import * as tables from '#schema/tables'
import type { Db } from '#schema'

/** The embedded default: PGlite (Postgres in WebAssembly) in a data folder, or in memory without one. */
export async function openPglite(dataDir?: string, opts: { loadDataDir?: Blob } = {}) {
  const client = await PGlite.create(dataDir, opts)
  const db = drizzle({ client, schema: tables, casing: 'snake_case' }) as unknown as Db
  return { db, client, close: () => client.close() }
}
