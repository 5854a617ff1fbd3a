import { sql, type SQL } from 'drizzle-orm'
import { groupImages, images, userGroups, type DbOrTx, type ImageType } from '#schema'

/**
 * A workspace row as Postgres writes it in JSON (snake_case column names). Lists are read this way,
 * one `json_agg` value instead of a row per workspace: decoding every column of every row in
 * JavaScript was a third of the CPU `get_images` cost (bench/).
 */
export type ImageRecord = {
  id: string
  image_type: ImageType
  name: string | null
  friendly_name: string
  description: string | null
  image_src: string | null
  categories: string[]
  cores: number
  memory: number
  gpu_count: number
  run_config: Record<string, unknown>
  exec_config: Record<string, unknown>
  persistent_profile_path: string | null
  volume_mappings: Record<string, unknown>
  restrict_to_zone: boolean
  zone_id: string | null
  server_id: string | null
  server_pool_id: string | null
  include_labels: string[]
  exclude_labels: string[]
  link_url: string | null
  docker_registry: string | null
  enabled: boolean
  hidden: boolean
  created_at: string
  updated_at: string
}

async function records(db: DbOrTx, query: SQL): Promise<ImageRecord[]> {
  const result = (await db.execute(query)) as unknown as { rows: { rows: ImageRecord[] | null }[] }
  return result.rows[0]?.rows ?? []
}

const ALL = sql`select coalesce(json_agg(i order by i.friendly_name, i.id), '[]') as rows from ${images} i`

export const allImageRecords = (db: DbOrTx) => records(db, ALL)

/** Enabled, visible workspaces that one of the user's groups permits. */
export const launchableImageRecords = (db: DbOrTx, userId: string) =>
  records(
    db,
    sql`select coalesce(json_agg(i order by i.friendly_name, i.id), '[]') as rows from ${images} i
      where i.enabled and not i.hidden and exists (
        select 1 from ${groupImages} gi join ${userGroups} ug on ug.group_id = gi.group_id
        where gi.image_id = i.id and ug.user_id = ${userId})`,
  )

export async function imageRecord(db: DbOrTx, id: string): Promise<ImageRecord | undefined> {
  return (await records(db, sql`select json_agg(i) as rows from ${images} i where i.id = ${id}`))[0]
}
