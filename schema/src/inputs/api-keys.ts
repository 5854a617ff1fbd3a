import * as v from 'valibot'
import { body, IdSchema, KasmDateTimeSchema, NameSchema } from './common'
import { PermissionListSchema } from './groups'

const KeyFieldsSchema = {
  read_only: v.optional(v.boolean()),
  enabled: v.optional(v.boolean()),
  expires: KasmDateTimeSchema,
}
export const CreateApiKeySchema = body({ target_api_key: v.object({ name: NameSchema(255), ...KeyFieldsSchema }) })
export const UpdateApiKeySchema = body({
  target_api_key: v.object({ api_key_id: IdSchema, name: v.optional(NameSchema(255)), ...KeyFieldsSchema }),
})
export const TargetApiKeySchema = body({ target_api_key: v.object({ api_key_id: IdSchema }) })
/** Replaces the key's permissions with exactly this list. */
export const SetApiKeyPermissionsSchema = body({
  target_api_key: v.object({ api_key_id: IdSchema }),
  target_permissions: PermissionListSchema,
})

export type CreateApiKeyInput = v.InferOutput<typeof CreateApiKeySchema>['target_api_key']
export type UpdateApiKeyInput = v.InferOutput<typeof UpdateApiKeySchema>['target_api_key']
