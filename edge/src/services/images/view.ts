import type { Image } from '#schema'
import { iso, kasmId, kasmIdOrNull } from '../ids'

/** What anyone allowed to launch a workspace sees of it. */
export function launcherImageView(i: Image) {
  return {
    image_id: kasmId(i.id),
    friendly_name: i.friendlyName,
    description: i.description,
    image_src: i.imageSrc,
    categories: i.categories,
    image_type: i.imageType,
    cores: i.cores,
    memory: i.memory,
    gpu_count: i.gpuCount,
    link_url: i.linkUrl,
    enabled: i.enabled,
  }
}

/** The whole workspace, for holders of images_view: run config and mappings may name host paths. */
export function adminImageView(i: Image) {
  return {
    ...launcherImageView(i),
    name: i.name,
    run_config: i.runConfig,
    exec_config: i.execConfig,
    persistent_profile_path: i.persistentProfilePath,
    volume_mappings: i.volumeMappings,
    restrict_to_zone: i.restrictToZone,
    zone_id: kasmIdOrNull(i.zoneId),
    server_id: kasmIdOrNull(i.serverId),
    server_pool_id: kasmIdOrNull(i.serverPoolId),
    include_labels: i.includeLabels,
    exclude_labels: i.excludeLabels,
    docker_registry: i.dockerRegistry,
    hidden: i.hidden,
    created: iso(i.createdAt),
    updated: iso(i.updatedAt),
  }
}
