import { getTableName, sql } from 'drizzle-orm'
import { groupImages, images, userGroups, viewJson, type DbOrTx } from '#schema'
import { RawJson } from '../../raw-json'
import { ADMIN_VIEW, LAUNCHER_VIEW, type AdminImageView } from './view'

const IMAGES = getTableName(images)
const ALL = sql.raw(`select coalesce(json_agg(${ADMIN_VIEW} order by i.friendly_name, i.id), '[]')::text as json from ${IMAGES} i`)
const LAUNCHABLE = sql.raw(`select coalesce(json_agg(${LAUNCHER_VIEW} order by i.friendly_name, i.id), '[]')::text as json
    from ${IMAGES} i
    where i.enabled and not i.hidden and exists (
      select 1 from ${getTableName(groupImages)} gi join ${getTableName(userGroups)} ug on ug.group_id = gi.group_id
      where gi.image_id = i.id and ug.user_id = `)
const LAUNCHABLE_ONE = sql.raw(`select ${LAUNCHER_VIEW}::text as json
    from ${IMAGES} i
    where i.enabled and not i.hidden and exists (
      select 1 from ${getTableName(groupImages)} gi join ${getTableName(userGroups)} ug on ug.group_id = gi.group_id
      where gi.image_id = i.id and ug.user_id = `)
const ONE = sql.raw(`select ${ADMIN_VIEW}::text as json from ${IMAGES} i where i.id = `)

/** Every workspace, admin view, as JSON text. */
export const allImagesJson = async (db: DbOrTx) => new RawJson((await viewJson(db, ALL)) ?? '[]')

/** Enabled, visible workspaces that one of the user's groups permits, launcher view, as JSON text. */
export async function launchableImagesJson(db: DbOrTx, userId: string) {
  return new RawJson((await viewJson(db, sql`${LAUNCHABLE}${userId})`)) ?? '[]')
}

/** One workspace the user may launch, launcher view, as JSON text; null when they may not (or it is not there). */
export async function launchableImageJson(db: DbOrTx, userId: string, imageId: string): Promise<RawJson | null> {
  const text = await viewJson(db, sql`${LAUNCHABLE_ONE}${userId}) and i.id = ${imageId}`)
  return text === null ? null : new RawJson(text)
}

/** One workspace, admin view. */
export async function adminImageView(db: DbOrTx, id: string): Promise<AdminImageView | undefined> {
  const text = await viewJson(db, sql`${ONE}${id}`)
  return text === null ? undefined : (JSON.parse(text) as AdminImageView)
}
