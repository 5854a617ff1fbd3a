import * as v from 'valibot'
import { FLEET_ENROLL_ENTRIES } from './fleet'
import type { PersistentProfileMode } from './launch-options'

/** Wire schemas of the agent protocol (docs/protocol.md), shared by the edge routes and the agent. */
const ResourcesSchema = v.strictObject({
  cores: v.pipe(v.number(), v.minValue(0)),
  memory_bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  gpus: v.pipe(v.number(), v.integer(), v.minValue(0)),
})

export const EnrollSchema = v.strictObject({
  ...FLEET_ENROLL_ENTRIES,
  resources: ResourcesSchema,
  labels: v.optional(v.array(v.pipe(v.string(), v.maxLength(255)))),
})
export type EnrollInput = v.InferOutput<typeof EnrollSchema>

export const AGENT_SESSION_STATES = ['provisioning', 'starting', 'running', 'paused', 'stopped', 'exited', 'error', 'deleted'] as const

export const ReportedSessionSchema = v.strictObject({
  kasm_id: v.pipe(v.string(), v.uuid()),
  state: v.picklist(AGENT_SESSION_STATES),
  container_id: v.optional(v.nullable(v.string())),
  progress: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
  message: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1000)))),
})
export type ReportedSession = v.InferOutput<typeof ReportedSessionSchema>

export const PollSchema = v.strictObject({
  resources: ResourcesSchema,
  images: v.array(v.string()),
  sessions: v.array(ReportedSessionSchema),
})
export type PollInput = v.InferOutput<typeof PollSchema>

export const ExecResultSchema = v.strictObject({
  exec_id: v.pipe(v.string(), v.uuid()),
  exit_code: v.nullable(v.pipe(v.number(), v.integer())),
  /** Output is cut to 64 KiB by the agent: an API answer, not a log store. */
  output: v.pipe(v.string(), v.maxLength(65_536)),
  error: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1000)))),
})
export type ExecResult = v.InferOutput<typeof ExecResultSchema>

export const ReportSchema = v.strictObject({ sessions: v.array(ReportedSessionSchema), execs: v.optional(v.array(ExecResultSchema), []) })

/** A captured screenshot (or why there is none); 2 MiB of base64 is far above a thumbnail's size. */
export const ScreenshotResultSchema = v.strictObject({
  request_id: v.pipe(v.string(), v.uuid()),
  jpeg_base64: v.optional(v.pipe(v.string(), v.maxLength(2 * 1024 * 1024), v.regex(/^[A-Za-z0-9+/]*={0,2}$/))),
  error: v.optional(v.pipe(v.string(), v.maxLength(1000))),
})

/** DLP flags fixed at launch: the agent's gateway enforces them from the stream token. */
export type DlpFlags = { clipboard_up: boolean; clipboard_down: boolean; uploads: boolean; downloads: boolean; printing: boolean }

/**
 * What the agent needs to build a session's container, fixed when the session is requested: later
 * edits of the workspace or of group settings do not change a running session (as in Kasm).
 */
export type LaunchSpec = {
  user_id: string
  username: string
  image_id: string
  image: string
  cores: number
  memory_bytes: number
  gpu_count: number
  run_config: Record<string, unknown>
  persistent_profile_path: string | null
  volume_mappings: Record<
    string,
    { bind: string; mode?: 'rw' | 'ro'; uid?: number; gid?: number; required?: boolean; skip_check?: boolean }
  >
  dlp: DlpFlags
  /** Registry login for the pull; the password stays encrypted until the poll hands it to the agent. */
  registry: { server: string | null; username: string; password_enc: string } | null
  lifecycle: { keepalive_expiration_action: 'delete' | 'pause' | 'stop'; session_time_limit: number; keepalive_interval?: number }
  // request_kasm's launch options, resolved by the edge. Optional: a spec stored by an edge that
  // predates them has none, and the agent then launches as it did before.
  /** The launch's own variables; they win over the workspace's run_config.environment. */
  environment?: Record<string, string>
  /** Browser language tag (en-US, pt_BR), the request's or the user's preferred language: LANG, LANGUAGE, LC_ALL. */
  client_language?: string | null
  /** IANA time zone, the request's or the user's preferred one: TZ. */
  client_timezone?: string | null
  /** How to treat the persistent profile; null when the session has none (nothing to enable, disable or reset). */
  persistent_profile_mode?: PersistentProfileMode | null
  /** Start page for browser workspaces: KASM_URL. */
  kasm_url?: string | null
  /** A fixed server's session: request_kasm's own guacd settings, merged after the server's, through the same allow-list. */
  connection_info?: { guac: { type?: string; settings: Record<string, string | number | boolean> } }
}

/** Poll work (the edge's answer): what the agent must bring about. */
export type CreateWork = Omit<LaunchSpec, 'registry' | 'lifecycle'> & {
  kasm_id: string
  registry_auth: { serveraddress?: string; username: string; password: string } | null
}
/** Kasm's exec_config as stored with a pending exec (exec_command_kasm) and handed to the agent. */
export type ExecConfig = {
  cmd: string
  user?: string
  workdir?: string
  environment?: Record<string, string>
  privileged?: boolean
}
export type ExecWork = ExecConfig & { exec_id: string; kasm_id: string }
export type ScreenshotWork = { request_id: string; kasm_id: string; width: number }
export type Work = {
  create: CreateWork[]
  destroy: string[]
  exec: ExecWork[]
  pause: string[]
  stop: string[]
  resume: string[]
  screenshot: ScreenshotWork[]
}
export type PollAnswer = { work: Work; poll_after_ms: number }
