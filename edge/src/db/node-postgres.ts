import { drizzle } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import * as tables from '../../../schema/src/tables/index'
import type { Db } from '#schema'

/** A real Postgres by URL, through node-postgres, with one pool for the process. */
export function openNodePostgres(url: string, opts: { max?: number } = {}) {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 })
  const db = drizzle({ client: pool, schema: tables, casing: 'snake_case' }) as unknown as Db
  return { db, pool, close: () => pool.end() }
}
