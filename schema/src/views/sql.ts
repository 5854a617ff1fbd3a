import type { SQL } from 'drizzle-orm'
import type { DbOrTx } from '../db'

/**
 * The `json` column of a query's first row: JSON text a view's SQL made Postgres build, passed on
 * without parsing it; null when there is no row (or the value is SQL NULL). Every driver answers `rows`.
 */
export async function viewJson(db: DbOrTx, query: SQL): Promise<string | null> {
  const result = (await db.execute(query)) as unknown as { rows: { json: string | null }[] }
  return result.rows[0]?.json ?? null
}
