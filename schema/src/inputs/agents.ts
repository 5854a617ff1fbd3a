import * as v from 'valibot'
import { body, IdSchema, OptionalTextSchema } from './common'

export const UpdateAgentSchema = body({
  target_agent: v.object({
    agent_id: IdSchema,
    enabled: v.optional(v.boolean()),
    draining: v.optional(v.boolean()),
    cores_override: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0)))),
    memory_override: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0)))),
    gpus_override: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0)))),
    labels: v.optional(v.array(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(255)))),
  }),
})
export const TargetAgentSchema = body({ target_agent: v.object({ agent_id: IdSchema }), force: v.optional(v.boolean(), false) })
export const CreateRegistrationTokenSchema = body({
  target_registration_token: v.object({
    zone_id: IdSchema,
    description: OptionalTextSchema(1000),
    expires_in_seconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(30 * 86_400))),
  }),
})
export const TargetRegistrationTokenSchema = body({ target_registration_token: v.object({ registration_token_id: IdSchema }) })
export type UpdateAgentInput = v.InferOutput<typeof UpdateAgentSchema>['target_agent']
