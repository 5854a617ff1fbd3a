import { and, eq, inArray } from 'drizzle-orm'
import { kasms, type DbOrTx } from '#schema'
import { EXISTING } from '../kasms/states'

/** Sessions of a workspace that have not been deleted. */
export async function liveKasmIdsForImage(db: DbOrTx, imageId: string): Promise<string[]> {
  const rows = await db
    .select({ id: kasms.id })
    .from(kasms)
    .where(and(eq(kasms.imageId, imageId), inArray(kasms.status, [...EXISTING])))
  return rows.map((r) => r.id)
}
