import type { ImageType } from '../image-types'
import { defineView, isoOf, isSet, kasmIdOf, value, type ViewOf } from './define'

// What get_images, get_image and the image verbs show of a workspace (Kasm's images). Columns are
// named through `i`, the alias of every query that renders these views.

/** What anyone allowed to launch a workspace sees of it. */
const LAUNCHER_FIELDS = {
  image_id: kasmIdOf('i.id'),
  friendly_name: value<string>('i.friendly_name'),
  description: value<string | null>('i.description'),
  image_src: value<string | null>('i.image_src'),
  categories: value<string[]>('i.categories'),
  image_type: value<ImageType>('i.image_type'),
  cores: value<number>('i.cores'),
  memory: value<number>('i.memory'),
  gpu_count: value<number>('i.gpu_count'),
  link_url: value<string | null>('i.link_url'),
  enabled: value<boolean>('i.enabled'),
}
export const LAUNCHER_IMAGE_VIEW = defineView(LAUNCHER_FIELDS)

/** The whole workspace, for holders of images_view: run config and mappings may name host paths. */
export const ADMIN_IMAGE_VIEW = defineView({
  ...LAUNCHER_FIELDS,
  name: value<string | null>('i.name'),
  run_config: value<Record<string, unknown>>('i.run_config'),
  exec_config: value<Record<string, unknown>>('i.exec_config'),
  persistent_profile_path: value<string | null>('i.persistent_profile_path'),
  volume_mappings: value<Record<string, unknown>>('i.volume_mappings'),
  restrict_to_zone: value<boolean>('i.restrict_to_zone'),
  zone_id: kasmIdOf<string | null>('i.zone_id'),
  server_id: kasmIdOf<string | null>('i.server_id'),
  server_pool_id: kasmIdOf<string | null>('i.server_pool_id'),
  include_labels: value<string[]>('i.include_labels'),
  exclude_labels: value<string[]>('i.exclude_labels'),
  docker_registry: value<string | null>('i.docker_registry'),
  docker_user: value<string | null>('i.docker_user'),
  docker_password_set: isSet('i.docker_password_enc'),
  hidden: value<boolean>('i.hidden'),
  created: isoOf('i.created_at'),
  updated: isoOf('i.updated_at'),
})

/** A workspace in the launcher's view (get_images for users). */
export type LauncherImageView = ViewOf<typeof LAUNCHER_IMAGE_VIEW.fields>
/** A workspace in the admin view (images_view). */
export type AdminImageView = ViewOf<typeof ADMIN_IMAGE_VIEW.fields>
