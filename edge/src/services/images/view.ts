import type { ImageType } from '#schema'

// Workspace views are built by Postgres as JSON, from these field lists (the one definition of what
// each caller sees). Columns are named through `i`, the alias every query in records.ts uses. The
// lists are constants, so they are rendered to SQL text once here: having drizzle render ~30 nested
// fragments on every call cost more CPU than building the JSON in JavaScript.
const col = (c: string) => `i.${c}`
/** Kasm writes ids as 32 hex digits. */
const id = (c: string) => `replace(i.${c}::text, '-', '')`
/** ISO 8601 in UTC with milliseconds, as Date#toISOString writes it. */
const iso = (c: string) => `to_char(i.${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** What anyone allowed to launch a workspace sees of it. */
const LAUNCHER_FIELDS: [string, string][] = [
  ['image_id', id('id')],
  ['friendly_name', col('friendly_name')],
  ['description', col('description')],
  ['image_src', col('image_src')],
  ['categories', col('categories')],
  ['image_type', col('image_type')],
  ['cores', col('cores')],
  ['memory', col('memory')],
  ['gpu_count', col('gpu_count')],
  ['link_url', col('link_url')],
  ['enabled', col('enabled')],
]

/** The whole workspace, for holders of images_view: run config and mappings may name host paths. */
const ADMIN_FIELDS: [string, string][] = [
  ...LAUNCHER_FIELDS,
  ['name', col('name')],
  ['run_config', col('run_config')],
  ['exec_config', col('exec_config')],
  ['persistent_profile_path', col('persistent_profile_path')],
  ['volume_mappings', col('volume_mappings')],
  ['restrict_to_zone', col('restrict_to_zone')],
  ['zone_id', id('zone_id')],
  ['server_id', id('server_id')],
  ['server_pool_id', id('server_pool_id')],
  ['include_labels', col('include_labels')],
  ['exclude_labels', col('exclude_labels')],
  ['docker_registry', col('docker_registry')],
  ['docker_user', col('docker_user')],
  ['docker_password_set', 'i.docker_password_enc is not null'],
  ['hidden', col('hidden')],
  ['created', iso('created_at')],
  ['updated', iso('updated_at')],
]

const objectOf = (fields: [string, string][]) => `json_build_object(${fields.map(([name, value]) => `'${name}', ${value}`).join(', ')})`

export const LAUNCHER_VIEW = objectOf(LAUNCHER_FIELDS)
export const ADMIN_VIEW = objectOf(ADMIN_FIELDS)

export type LauncherImageView = {
  image_id: string
  friendly_name: string
  description: string | null
  image_src: string | null
  categories: string[]
  image_type: ImageType
  cores: number
  memory: number
  gpu_count: number
  link_url: string | null
  enabled: boolean
}
export type AdminImageView = LauncherImageView & {
  name: string | null
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
  docker_registry: string | null
  docker_user: string | null
  docker_password_set: boolean
  hidden: boolean
  created: string
  updated: string
}
