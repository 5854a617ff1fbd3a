import * as v from 'valibot'
import { body, IdSchema } from './common'

export const RequestKasmSchema = body({
  image_id: IdSchema,
  user_id: v.optional(IdSchema),
  enable_sharing: v.optional(v.boolean()),
})
export const KasmRefSchema = body({ kasm_id: IdSchema, user_id: v.optional(IdSchema) })
export const GetKasmsSchema = body({ user_id: v.optional(IdSchema) })

/** Kasm's exec_config: what to run in the session's container. */
export const ExecCommandKasmSchema = body({
  kasm_id: IdSchema,
  user_id: v.optional(IdSchema),
  exec_config: v.strictObject({
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
  user_id: v.optional(IdSchema),
  width: v.optional(v.pipe(v.number(), v.integer(), v.minValue(16), v.maxValue(3840)), 300),
})
