import type { Kasm } from '#schema'
import { iso, kasmId, kasmIdOrNull } from '../ids'

/** A session as Kasm's API shows one (get_kasms, get_kasm_status, exec_command_kasm). */
export function kasmView(k: Kasm, extra: { username?: string; image_name?: string } = {}) {
  return {
    kasm_id: kasmId(k.id),
    user_id: kasmId(k.userId),
    image_id: kasmId(k.imageId),
    zone_id: kasmIdOrNull(k.zoneId),
    agent_id: kasmIdOrNull(k.agentId),
    status: k.status,
    operational_status: k.status,
    operational_progress: k.operationalProgress,
    operational_message: k.operationalMessage,
    share_id: k.shareId,
    cores: k.cores,
    memory: k.memoryBytes,
    gpus: k.gpus,
    created: iso(k.createdAt),
    started: iso(k.startedAt),
    keepalive_date: iso(k.keepaliveAt),
    expiration_date: iso(k.expiresAt),
    /** Seconds between the keepalives a session view should send. */
    keepalive_interval: k.launchSpec?.lifecycle.keepalive_interval ?? 300,
    /** The profile mode the session launched with; null when it has no persistent profile. */
    persistent_profile_mode: k.launchSpec?.persistent_profile_mode ?? null,
    ...extra,
  }
}
