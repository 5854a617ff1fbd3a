import { kasmId, kasmIdOrNull } from '../ids'
import type { ImageRecord } from './records'

// Postgres writes timestamps in JSON as `2026-11-25T16:32:57.123456+00:00` (in the session's zone);
// the API uses ISO 8601 in UTC with milliseconds, as Date#toISOString. The UTC case is rewritten as
// text because parsing it with Date took 8% of the CPU of get_images; other zones go through Date.
const PG_UTC = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00:00$/
export function isoOf(pgTimestamp: string): string {
  const m = PG_UTC.exec(pgTimestamp)
  if (m) return `${m[1]}.${((m[2] ?? '') + '000').slice(0, 3)}Z`
  return new Date(pgTimestamp).toISOString()
}

/** What anyone allowed to launch a workspace sees of it. */
export function launcherImageView(i: ImageRecord) {
  return {
    image_id: kasmId(i.id),
    friendly_name: i.friendly_name,
    description: i.description,
    image_src: i.image_src,
    categories: i.categories,
    image_type: i.image_type,
    cores: i.cores,
    memory: i.memory,
    gpu_count: i.gpu_count,
    link_url: i.link_url,
    enabled: i.enabled,
  }
}

/** The whole workspace, for holders of images_view: run config and mappings may name host paths. */
export function adminImageView(i: ImageRecord) {
  return {
    ...launcherImageView(i),
    name: i.name,
    run_config: i.run_config,
    exec_config: i.exec_config,
    persistent_profile_path: i.persistent_profile_path,
    volume_mappings: i.volume_mappings,
    restrict_to_zone: i.restrict_to_zone,
    zone_id: kasmIdOrNull(i.zone_id),
    server_id: kasmIdOrNull(i.server_id),
    server_pool_id: kasmIdOrNull(i.server_pool_id),
    include_labels: i.include_labels,
    exclude_labels: i.exclude_labels,
    docker_registry: i.docker_registry,
    hidden: i.hidden,
    created: isoOf(i.created_at),
    updated: isoOf(i.updated_at),
  }
}
