import * as v from 'valibot'
import { body, IdSchema } from './common'

export const RequestKasmSchema = body({
  image_id: IdSchema,
  user_id: v.optional(IdSchema),
  enable_sharing: v.optional(v.boolean()),
})
export const KasmRefSchema = body({ kasm_id: IdSchema, user_id: v.optional(IdSchema) })
export const GetKasmsSchema = body({ user_id: v.optional(IdSchema) })
