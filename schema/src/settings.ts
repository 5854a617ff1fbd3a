import * as v from 'valibot'

/**
 * The group settings catalogue: Kasm's setting names, value types and defaults. A user's effective
 * value comes from the member group with the lowest priority number that sets it, or the default
 * here; `merge` settings (volume_mapping) combine every member group's value instead.
 */
type SettingSpec<S extends v.GenericSchema> = {
  schema: S
  default: v.InferOutput<S>
  description: string
  merge?: true
}
const bool = (def: boolean, description: string): SettingSpec<v.BooleanSchema<undefined>> => ({
  schema: v.boolean(),
  default: def,
  description,
})
const seconds = (def: number, description: string) => ({
  schema: v.pipe(v.number(), v.integer(), v.minValue(0)),
  default: def,
  description,
})

/** Kasm's volume mapping shape: host path → where and how it appears in the session. */
export const VolumeMappingSchema = v.record(
  v.pipe(v.string(), v.startsWith('/', 'must be an absolute host path')),
  v.strictObject({
    bind: v.pipe(v.string(), v.startsWith('/', 'must be an absolute path in the container')),
    mode: v.optional(v.picklist(['rw', 'ro']), 'rw'),
    uid: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    gid: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    required: v.optional(v.boolean()),
    skip_check: v.optional(v.boolean()),
  }),
)

export type VolumeMappings = v.InferOutput<typeof VolumeMappingSchema>

export const GROUP_SETTINGS = {
  keepalive_expiration: seconds(3600, 'Seconds a session lives without a keepalive before keepalive_expiration_action applies.'),
  keepalive_interval: seconds(300, 'Seconds between the keepalives the session view sends while it is open.'),
  keepalive_expiration_action: {
    schema: v.picklist(['delete', 'pause', 'stop']),
    default: 'delete' as const,
    description: 'What happens to a session whose keepalive expired: delete, pause or stop it.',
  },
  session_time_limit: seconds(0, 'Seconds a session may run in all, whatever its keepalives; 0 means no limit.'),
  idle_disconnect: seconds(1200, 'Seconds without user input before the session view disconnects; 0 means never.'),
  max_kasms_per_user: {
    schema: v.pipe(v.number(), v.integer(), v.minValue(0)),
    default: 2,
    description: 'How many sessions a user may hold at once; 0 means no limit.',
  },
  allow_kasm_clipboard_up: bool(true, 'Allow copying from the user’s computer into the session.'),
  allow_kasm_clipboard_down: bool(true, 'Allow copying from the session to the user’s computer.'),
  allow_kasm_clipboard_seamless: bool(true, 'Synchronise the clipboard without the control panel, where the browser allows it.'),
  allow_kasm_uploads: bool(true, 'Allow uploading files into the session.'),
  allow_kasm_downloads: bool(true, 'Allow downloading files out of the session.'),
  allow_kasm_printing: bool(true, 'Allow printing from the session to a PDF the user downloads.'),
  allow_kasm_audio: bool(true, 'Stream the session’s sound to the browser.'),
  allow_kasm_microphone: bool(false, 'Pass the user’s microphone into the session.'),
  allow_kasm_webcam: bool(false, 'Pass the user’s webcam into the session.'),
  allow_kasm_gamepad: bool(false, 'Pass game controllers into the session.'),
  allow_kasm_sharing: bool(false, 'Allow users to share a session with others.'),
  shared_session_full_control: bool(
    false,
    'Let the people a session is shared with use its keyboard and mouse; otherwise they only watch.',
  ),
  allow_kasm_delete: bool(true, 'Allow users to delete their own sessions.'),
  allow_kasm_pause: bool(true, 'Allow users to pause their own sessions (processes frozen, memory kept).'),
  allow_kasm_stop: bool(true, 'Allow users to stop their own sessions (container stopped, files kept).'),
  allow_persistent_profile: bool(true, 'Keep the user’s home folder between sessions when the workspace has a profile path.'),
  allow_zone_selection: bool(false, 'Let users choose the deployment zone when they launch.'),
  allow_point_of_presence: bool(false, 'Let users choose an egress point of presence when they launch.'),
  show_control_panel: bool(true, 'Show the session control panel in the session view.'),
  default_image: {
    schema: v.nullable(v.pipe(v.string(), v.uuid())),
    default: null,
    description: 'Workspace launched automatically after sign-in, when the user has no default of their own.',
  },
  volume_mapping: {
    schema: VolumeMappingSchema,
    default: {},
    description: 'Host folders mounted into every session of the group’s members; combined across all member groups.',
    merge: true as const,
  },
} as const satisfies Record<string, SettingSpec<v.GenericSchema>>

export type GroupSettingName = keyof typeof GROUP_SETTINGS
export type GroupSettingValues = { -readonly [K in GroupSettingName]: v.InferOutput<(typeof GROUP_SETTINGS)[K]['schema']> }
export const isGroupSettingName = (name: string): name is GroupSettingName => Object.hasOwn(GROUP_SETTINGS, name)

/** Value type as the dashboard and get_settings_group show it. */
export function settingValueType(name: GroupSettingName): 'bool' | 'int' | 'string' | 'json' {
  const def = GROUP_SETTINGS[name].default
  if (typeof def === 'boolean') return 'bool'
  if (typeof def === 'number') return 'int'
  if (typeof def === 'string' || def === null) return 'string'
  return 'json'
}
