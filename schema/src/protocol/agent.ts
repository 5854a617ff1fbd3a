import * as v from 'valibot'

/** Wire schemas of the agent protocol (DESIGN §4), shared by the edge routes and the agent. */
const ResourcesSchema = v.strictObject({
  cores: v.pipe(v.number(), v.minValue(0)),
  memory_bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  gpus: v.pipe(v.number(), v.integer(), v.minValue(0)),
})

export const EnrollSchema = v.strictObject({
  token: v.pipe(v.string(), v.minLength(1, 'is required')),
  public_jwk: v.looseObject({ kty: v.string(), crv: v.string(), x: v.pipe(v.string(), v.minLength(43), v.maxLength(43)) }),
  public_url: v.pipe(v.string(), v.url('must be a URL'), v.regex(/^https?:\/\//, 'must be http(s)')),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  resources: ResourcesSchema,
  labels: v.optional(v.array(v.pipe(v.string(), v.maxLength(255)))),
  version: v.optional(v.string()),
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
