import { getTableName, sql } from 'drizzle-orm'
import { groupImages, images, type DbOrTx } from '#schema'
import type { Deps } from '../../deps'
import { RawJson } from '../../raw-json'
import { authorize, can, type Caller } from '../auth/caller'
import { ADMIN_VIEW, LAUNCHER_VIEW } from '../images/view'
import { findGroup } from './lookup'

// The workspaces one group permits, built as JSON by Postgres from the same views get_images uses
// (rendered to SQL text once, as images/records.ts does). The group id is the only parameter.
const permittedQuery = (view: string) =>
  sql.raw(`select coalesce(json_agg(${view} order by i.friendly_name, i.id), '[]')::text as json
    from ${getTableName(images)} i
    where exists (select 1 from ${getTableName(groupImages)} gi where gi.image_id = i.id and gi.group_id = `)
const PERMITTED_ADMIN = permittedQuery(ADMIN_VIEW)
const PERMITTED_LAUNCHER = permittedQuery(LAUNCHER_VIEW)

async function permittedJson(db: DbOrTx, groupId: string, full: boolean): Promise<RawJson> {
  const result = (await db.execute(sql`${full ? PERMITTED_ADMIN : PERMITTED_LAUNCHER}${groupId})`)) as unknown as {
    rows: { json: string | null }[]
  }
  return new RawJson(result.rows[0]?.json ?? '[]')
}

/**
 * Every workspace the group permits, disabled and hidden ones included. The whole workspace is shown
 * only to holders of images_view, as in get_images; others see the launcher's fields.
 */
export async function listGroupImages(deps: Deps, caller: Caller, groupId: string) {
  authorize(caller, 'groups_view') // before the lookup, so refusals do not reveal what exists
  await findGroup(deps.db, groupId)
  return { images: await permittedJson(deps.db, groupId, can(caller, 'images_view')) }
}
