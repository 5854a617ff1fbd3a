import type { PersistentProfileMode } from '#schema'

/** One host folder mapped into a session (Kasm's volume_mappings entry, keyed by the absolute host path). */
export type VolumeMapping = {
  bind: string
  mode?: 'rw' | 'ro'
  /** Owner given to the host folder when the agent has to create it. */
  uid?: number
  gid?: number
  /** The session fails when the host folder is missing and cannot be created. */
  required?: boolean
  /** Don't look at the host folder at all (e.g. a network mount the agent can't see). */
  skip_check?: boolean
}

/** Everything the agent needs to create one session container, as the edge sends it. */
export type SessionSpec = {
  kasmId: string
  userId: string
  username: string
  imageId: string
  /** Docker reference with tag. */
  image: string
  /** CPU cores; may be fractional. */
  cores: number
  memoryBytes: number
  gpuCount: number
  /**
   * Kasm Docker Run Config: docker-py `containers.run` kwargs (environment, volumes, devices,
   * cap_add, ...). Validated again by the agent against the shared schema; unknown keys throw.
   */
  runConfig: Record<string, unknown>
  /** Absolute host path; may contain {username} {user_id} {image_id}. */
  persistentProfilePath: string | null
  volumeMappings: Record<string, VolumeMapping>
  /** Enabled binds the profile, Disabled leaves it out, Reset empties it first; moot without a profile path. */
  profileMode: PersistentProfileMode
  /** request_kasm's `environment`: wins over the run config's, never over the agent's own variables. */
  environment: Record<string, string>
  /** Browser language tag (en-US, pt_BR) for LANG, LANGUAGE and LC_ALL; null leaves the image's. */
  clientLanguage: string | null
  /** IANA time zone for TZ; null leaves the image's. */
  clientTimezone: string | null
  /** Browser start page (Kasm's `kasm_url`), passed as KASM_URL. */
  kasmUrl: string | null
  vncPassword: string
  agentId: string
}
