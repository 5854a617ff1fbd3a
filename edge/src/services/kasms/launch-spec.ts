import { eq } from 'drizzle-orm'
import * as v from 'valibot'
import {
  AGENT_ENV_NAMES,
  ClientTimezoneSchema,
  localeVariables,
  userAttributes,
  type DbOrTx,
  type DlpFlags,
  type GroupSettingValues,
  type Image,
  type LaunchSpec,
  type RequestKasmInput,
  type User,
} from '#schema'
import { ApiError } from '../../errors'

export type { DlpFlags, LaunchSpec }

/** request_kasm's options that act on the container, resolved (the user's preferences filled in). */
export type LaunchOptions = Pick<LaunchSpec, 'environment' | 'client_language' | 'client_timezone' | 'persistent_profile_mode' | 'kasm_url'>

export function dlpFlags(s: GroupSettingValues): DlpFlags {
  return {
    clipboard_up: s.allow_kasm_clipboard_up,
    clipboard_down: s.allow_kasm_clipboard_down,
    uploads: s.allow_kasm_uploads,
    downloads: s.allow_kasm_downloads,
    printing: s.allow_kasm_printing,
  }
}

/**
 * What the input schema cannot see: a variable the agent owns, and a language tag no POSIX locale
 * can be named for (`english`). Checked before anything is read or written, so a refused launch changes nothing.
 */
export function checkLaunchOptions(input: RequestKasmInput): void {
  const reserved = Object.keys(input.environment ?? {}).find((name) => (AGENT_ENV_NAMES as readonly string[]).includes(name))
  if (reserved) {
    const field = `environment.${reserved}`
    const message = 'is set by the agent for every session'
    throw ApiError.invalid(`Invalid ${field}: ${message}`, field, { [field]: [message] })
  }
  if (input.client_language !== undefined && !localeVariables(input.client_language)) {
    const message = 'must start with a 2- or 3-letter language, such as en-US or pt_BR'
    throw ApiError.invalid(`Invalid client_language: ${message}`, 'client_language', { client_language: [message] })
  }
}

/**
 * The launch options of one request. Language and time zone fall back to the user's preferred ones
 * (user attributes), as Kasm does; those are free text set by the user, so one that names no locale
 * or zone is left out rather than failing the launch.
 */
export async function resolveLaunchOptions(
  tx: DbOrTx,
  userId: string,
  input: RequestKasmInput,
  hasProfile: boolean,
): Promise<LaunchOptions> {
  let language = input.client_language ?? null
  let timezone = input.client_timezone ?? null
  if (language === null || timezone === null) {
    const [prefs] = await tx
      .select({ language: userAttributes.preferredLanguage, timezone: userAttributes.preferredTimezone })
      .from(userAttributes)
      .where(eq(userAttributes.userId, userId))
      .limit(1)
    if (language === null && prefs?.language && localeVariables(prefs.language)) language = prefs.language
    if (timezone === null && prefs?.timezone && v.is(ClientTimezoneSchema, prefs.timezone)) timezone = prefs.timezone
  }
  return {
    environment: input.environment ?? {},
    client_language: language,
    client_timezone: timezone,
    // Kasm's unreleased API answers `persistent-profile-mode-unavailable` when a mode is asked for a
    // launch without a profile. Its released request_kasm, which Oriel follows, accepts the field
    // whatever the workspace: Disabled and Reset both ask for a session that starts without the
    // saved profile, which a session without a profile already is, and Enabled is the default. So the
    // launch is accepted; the session shows the mode that applies, null when no profile does.
    persistent_profile_mode: hasProfile ? (input.persistent_profile_mode ?? 'Enabled') : null,
    // Kasm hands it to every container; only browser images read it (others ignore the variable).
    kasm_url: input.kasm_url ?? null,
  }
}

/** A workspace's persistent profile applies only when the user's groups allow profiles. */
export const profilePathFor = (image: Image, settings: GroupSettingValues) =>
  settings.allow_persistent_profile && image.persistentProfilePath ? image.persistentProfilePath : null

export function launchSpec(user: User, image: Image, settings: GroupSettingValues, options: LaunchOptions): LaunchSpec {
  return {
    user_id: user.id,
    username: user.username,
    image_id: image.id,
    image: image.name ?? '',
    cores: image.cores,
    memory_bytes: image.memory,
    gpu_count: image.gpuCount,
    run_config: image.runConfig,
    persistent_profile_path: profilePathFor(image, settings),
    // The workspace's own mappings, then the groups' (merged across groups, DESIGN §3).
    volume_mappings: { ...image.volumeMappings, ...settings.volume_mapping },
    dlp: dlpFlags(settings),
    registry:
      image.dockerUser && image.dockerPasswordEnc
        ? { server: image.dockerRegistry, username: image.dockerUser, password_enc: image.dockerPasswordEnc }
        : null,
    lifecycle: {
      keepalive_expiration_action: settings.keepalive_expiration_action,
      session_time_limit: settings.session_time_limit,
      keepalive_interval: settings.keepalive_interval,
    },
    ...options,
  }
}
