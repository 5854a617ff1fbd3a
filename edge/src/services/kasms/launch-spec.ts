import type { DlpFlags, GroupSettingValues, Image, LaunchSpec, User } from '#schema'

export type { DlpFlags, LaunchSpec }

export function dlpFlags(s: GroupSettingValues): DlpFlags {
  return {
    clipboard_up: s.allow_kasm_clipboard_up,
    clipboard_down: s.allow_kasm_clipboard_down,
    uploads: s.allow_kasm_uploads,
    downloads: s.allow_kasm_downloads,
    printing: s.allow_kasm_printing,
  }
}

export function launchSpec(user: User, image: Image, settings: GroupSettingValues): LaunchSpec {
  return {
    user_id: user.id,
    username: user.username,
    image_id: image.id,
    image: image.name ?? '',
    cores: image.cores,
    memory_bytes: image.memory,
    gpu_count: image.gpuCount,
    run_config: image.runConfig,
    persistent_profile_path: settings.allow_persistent_profile ? image.persistentProfilePath : null,
    // The workspace's own mappings, then the groups' (merged across groups, DESIGN §3).
    volume_mappings: { ...image.volumeMappings, ...settings.volume_mapping },
    dlp: dlpFlags(settings),
    registry: image.dockerUser && image.dockerPasswordEnc ? { server: image.dockerRegistry, username: image.dockerUser, password_enc: image.dockerPasswordEnc } : null,
    lifecycle: { keepalive_expiration_action: settings.keepalive_expiration_action, session_time_limit: settings.session_time_limit, keepalive_interval: settings.keepalive_interval },
  }
}
