import * as v from 'valibot'
import { body, IdSchema } from './common'

/** Kasm's clients send `null` for an optional field they have no value for: the same as leaving it out. */
const maybe = <S extends v.GenericSchema>(s: S) =>
  v.pipe(
    v.optional(v.nullable(s)),
    v.transform((x) => x ?? undefined),
  )

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Variables a launch adds to the container: names as a shell allows them; values as text. */
export const LaunchEnvironmentSchema = v.pipe(
  v.record(
    v.pipe(v.string(), v.maxLength(255), v.regex(ENV_NAME, 'must be a variable name (letters, digits, _)')),
    v.pipe(
      v.union([v.string(), v.number(), v.boolean()], 'must be text, a number or true/false'),
      v.transform(String),
      v.maxLength(32_768, 'must be at most 32768 characters'),
    ),
  ),
  v.maxEntries(200, 'must have at most 200 variables'),
)

/** A browser's language tag (navigator.language), such as en-US or pt_BR. */
export const ClientLanguageSchema = v.pipe(
  v.string(),
  v.maxLength(35),
  v.regex(/^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/, 'must be a language tag such as en-US'),
)

/** An IANA time zone the runtime knows (Europe/Paris, UTC). */
export const ClientTimezoneSchema = v.pipe(
  v.string(),
  v.maxLength(64),
  v.check((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz })
      return /^[A-Za-z0-9_+\-/]+$/.test(tz)
    } catch {
      return false
    }
  }, 'must be an IANA time zone such as Europe/Paris'),
)

export const PERSISTENT_PROFILE_MODES = ['Enabled', 'Disabled', 'Reset'] as const
export const RDP_CLIENT_TYPES = ['GUAC', 'RDP_CLIENT'] as const

/**
 * request_kasm with every field Kasm's clients send. `connection_info` (`{"guac": {"settings": …}}`),
 * `rdp_client_type` and `server_id` (a server of the workspace's pool) are for fixed servers;
 * `egress_gateway_id` belongs to egress, which comes later: it is checked now and has no effect yet.
 */
export const RequestKasmSchema = body({
  /** Omitted: the user's default workspace (their attribute `default_image`). */
  image_id: maybe(IdSchema),
  user_id: maybe(IdSchema),
  enable_sharing: maybe(v.boolean()),
  kasm_url: maybe(v.pipe(v.string(), v.maxLength(2048), v.url('must be a URL'), v.regex(/^https?:\/\//i, 'must be an http or https URL'))),
  environment: maybe(LaunchEnvironmentSchema),
  client_language: maybe(ClientLanguageSchema),
  client_timezone: maybe(ClientTimezoneSchema),
  persistent_profile_mode: maybe(v.picklist(PERSISTENT_PROFILE_MODES, `must be one of ${PERSISTENT_PROFILE_MODES.join(', ')}`)),
  connection_info: maybe(
    v.strictObject(
      {
        guac: v.strictObject({
          type: v.optional(v.picklist(['rdp', 'vnc', 'ssh'])),
          settings: v.pipe(
            v.record(v.pipe(v.string(), v.maxLength(64)), v.union([v.pipe(v.string(), v.maxLength(4096)), v.number(), v.boolean()])),
            v.maxEntries(100),
          ),
        }),
      },
      'must be {"guac": {"settings": {…}}}',
    ),
  ),
  egress_gateway_id: maybe(IdSchema),
  rdp_client_type: maybe(v.picklist(RDP_CLIENT_TYPES, `must be one of ${RDP_CLIENT_TYPES.join(', ')}`)),
  server_id: maybe(IdSchema),
})
export type RequestKasmInput = v.InferOutput<typeof RequestKasmSchema>

export const KasmRefSchema = body({ kasm_id: IdSchema, user_id: maybe(IdSchema) })
/** `skip_agent_check`: answer from the database without asking the agent (Oriel never asks it here). */
export const GetKasmStatusSchema = body({ kasm_id: IdSchema, user_id: maybe(IdSchema), skip_agent_check: maybe(v.boolean()) })

/** Kasm's clients disagree on the name of the share id: both are accepted, one is needed. */
export const JoinKasmSchema = v.pipe(
  body({
    share_id: maybe(v.pipe(v.string(), v.minLength(1), v.maxLength(48))),
    shared_id: maybe(v.pipe(v.string(), v.minLength(1), v.maxLength(48))),
    user_id: maybe(IdSchema),
  }),
  v.forward(
    v.partialCheck([['share_id'], ['shared_id']], (b) => (b.share_id ?? b.shared_id) !== undefined, 'is required'),
    ['share_id'],
  ),
)
export type JoinKasmInput = v.InferOutput<typeof JoinKasmSchema>
export const GetKasmsSchema = body({ user_id: maybe(IdSchema) })

/** Kasm's exec_config: what to run in the session's container. */
export const ExecCommandKasmSchema = body({
  kasm_id: IdSchema,
  user_id: maybe(IdSchema),
  exec_config: v.object({
    cmd: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(8192)),
    user: v.optional(v.pipe(v.string(), v.regex(/^[a-z_][a-z0-9_-]*$|^\d+$/, 'must be a user name or uid'))),
    workdir: v.optional(v.pipe(v.string(), v.startsWith('/', 'must be an absolute path'))),
    environment: v.optional(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name')), v.string())),
    privileged: v.optional(v.boolean()),
  }),
})
export type ExecCommandKasmInput = v.InferOutput<typeof ExecCommandKasmSchema>

export const GetKasmScreenshotSchema = body({
  kasm_id: IdSchema,
  user_id: maybe(IdSchema),
  width: v.optional(v.pipe(v.number(), v.integer(), v.minValue(16), v.maxValue(3840)), 300),
})
