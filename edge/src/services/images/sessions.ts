import { and, eq, ne } from 'drizzle-orm'
import { kasms, type DbOrTx } from '#schema'

/** Sessions of a workspace that have not ended. */
export async function liveKasmIdsForImage(db: DbOrTx, imageId: string): Promise<string[]> {
  const rows = await db.select({ id: kasms.id }).from(kasms).where(and(eq(kasms.imageId, imageId), ne(kasms.status, 'deleted')))
  return rows.map((r) => r.id)
}
