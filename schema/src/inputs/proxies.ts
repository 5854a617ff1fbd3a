import * as v from 'valibot'
import { body, IdSchema } from './common'

export const UpdateConnectionProxySchema = body({
  target_connection_proxy: v.object({
    connection_proxy_id: IdSchema,
    enabled: v.optional(v.boolean()),
    draining: v.optional(v.boolean()),
  }),
})
export type UpdateConnectionProxyInput = v.InferOutput<typeof UpdateConnectionProxySchema>['target_connection_proxy']
export const TargetConnectionProxySchema = body({ target_connection_proxy: v.object({ connection_proxy_id: IdSchema }) })
