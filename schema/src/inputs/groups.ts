import * as v from 'valibot'
import { isPermission } from '../permissions'
import { body, IdSchema, NameSchema, OptionalTextSchema } from './common'

const PrioritySchema = v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1), v.maxValue(100_000))
const TargetGroupRefSchema = v.object({ group_id: IdSchema })

export const CreateGroupSchema = body({
  target_group: v.object({ name: NameSchema(255), description: OptionalTextSchema(4000), priority: PrioritySchema }),
})
export const UpdateGroupSchema = body({
  target_group: v.object({
    group_id: IdSchema,
    name: v.optional(NameSchema(255)),
    description: OptionalTextSchema(4000),
    priority: v.optional(PrioritySchema),
  }),
})
export const TargetGroupSchema = body({ target_group: TargetGroupRefSchema })
export const UserGroupSchema = body({ target_user: v.object({ user_id: IdSchema }), target_group: TargetGroupRefSchema })
export const ImageGroupSchema = body({ target_group: TargetGroupRefSchema, target_image: v.object({ image_id: IdSchema }) })

/** A list of permission names, each checked against the catalogue. */
export const PermissionListSchema = v.pipe(
  v.array(v.pipe(v.string(), v.check(isPermission, 'is not a known permission'))),
  v.maxLength(200),
)
export const GroupPermissionsSchema = body({ target_group: TargetGroupRefSchema, target_permissions: PermissionListSchema })

/**
 * `value: null` removes the group's own value, so the setting falls back to other groups or the default.
 * The setting is named by `name` or, as some Kasm clients do, by its `group_setting_id`.
 */
export const UpdateSettingsGroupSchema = body({
  target_group: TargetGroupRefSchema,
  target_setting: v.pipe(
    v.object({
      name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
      group_setting_id: v.optional(IdSchema),
      value: v.unknown(),
    }),
    v.forward(
      v.partialCheck([['name'], ['group_setting_id']], (t) => t.name !== undefined || t.group_setting_id !== undefined, 'is required'),
      ['name'],
    ),
  ),
})

export type CreateGroupInput = v.InferOutput<typeof CreateGroupSchema>['target_group']
export type UpdateGroupInput = v.InferOutput<typeof UpdateGroupSchema>['target_group']
