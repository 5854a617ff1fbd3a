import { Hono, type Context } from 'hono'
import type * as v from 'valibot'
import {
  CreateGroupSchema,
  EmptyBodySchema,
  GroupPermissionsSchema,
  ImageGroupSchema,
  TargetGroupSchema,
  UpdateGroupSchema,
  UpdateSettingsGroupSchema,
  UserGroupSchema,
  type Permission,
} from '#schema'
import type { CallerEnv } from '../../env'
import { rawJsonBody } from '../../raw-json'
import { createGroup, deleteGroup, listGroups, updateGroup } from '../../services/groups/groups'
import { listGroupImages } from '../../services/groups/images'
import { listGroupUsers } from '../../services/groups/users'
import {
  addGroupPermissions,
  addImageToGroup,
  addUserToGroup,
  getGroupPermissions,
  removeGroupPermissions,
  removeImageFromGroup,
  removeUserFromGroup,
} from '../../services/groups/members'
import { getGroupSettings, updateGroupSetting } from '../../services/groups/settings'
import { vJson } from '../../validate'

const updateSettingsHandler = async (c: Context<CallerEnv, string, { out: { json: v.InferOutput<typeof UpdateSettingsGroupSchema> } }>) => {
  const b = c.req.valid('json')
  return c.json(await updateGroupSetting(c.var.deps, c.var.caller, b.target_group.group_id, b.target_setting, b.target_setting.value))
}

export const groupsApi = new Hono<CallerEnv>()
  .post('/get_groups', vJson(EmptyBodySchema), async (c) => c.json(await listGroups(c.var.deps, c.var.caller)))
  .post('/create_group', vJson(CreateGroupSchema), async (c) =>
    c.json(await createGroup(c.var.deps, c.var.caller, c.req.valid('json').target_group)),
  )
  .post('/update_group', vJson(UpdateGroupSchema), async (c) =>
    c.json(await updateGroup(c.var.deps, c.var.caller, c.req.valid('json').target_group)),
  )
  .post('/delete_group', vJson(TargetGroupSchema), async (c) =>
    c.json(await deleteGroup(c.var.deps, c.var.caller, c.req.valid('json').target_group.group_id)),
  )
  .post('/add_user_group', vJson(UserGroupSchema), async (c) => {
    const b = c.req.valid('json')
    return c.json(await addUserToGroup(c.var.deps, c.var.caller, b.target_user.user_id, b.target_group.group_id))
  })
  .post('/remove_user_group', vJson(UserGroupSchema), async (c) => {
    const b = c.req.valid('json')
    return c.json(await removeUserFromGroup(c.var.deps, c.var.caller, b.target_user.user_id, b.target_group.group_id))
  })
  .post('/get_settings_group', vJson(TargetGroupSchema), async (c) =>
    c.json(await getGroupSettings(c.var.deps, c.var.caller, c.req.valid('json').target_group.group_id)),
  )
  // Kasm's clients use three names for this verb.
  .post('/update_settings_group', vJson(UpdateSettingsGroupSchema), updateSettingsHandler)
  .post('/set_settings_group', vJson(UpdateSettingsGroupSchema), updateSettingsHandler)
  .post('/add_settings_group', vJson(UpdateSettingsGroupSchema), updateSettingsHandler)
  .post('/get_users_group', vJson(TargetGroupSchema), async (c) =>
    c.json(await listGroupUsers(c.var.deps, c.var.caller, c.req.valid('json').target_group.group_id)),
  )
  .post('/get_images_group', vJson(TargetGroupSchema), async (c) => {
    const { images } = await listGroupImages(c.var.deps, c.var.caller, c.req.valid('json').target_group.group_id)
    return c.body(rawJsonBody('images', images), 200, { 'Content-Type': 'application/json' })
  })
  .post('/add_images_group', vJson(ImageGroupSchema), async (c) => {
    const b = c.req.valid('json')
    return c.json(await addImageToGroup(c.var.deps, c.var.caller, b.target_group.group_id, b.target_image.image_id))
  })
  .post('/remove_images_group', vJson(ImageGroupSchema), async (c) => {
    const b = c.req.valid('json')
    return c.json(await removeImageFromGroup(c.var.deps, c.var.caller, b.target_group.group_id, b.target_image.image_id))
  })
  .post('/get_permissions_group', vJson(TargetGroupSchema), async (c) =>
    c.json(await getGroupPermissions(c.var.deps, c.var.caller, c.req.valid('json').target_group.group_id)),
  )
  .post('/add_permissions_group', vJson(GroupPermissionsSchema), async (c) => {
    const b = c.req.valid('json')
    return c.json(await addGroupPermissions(c.var.deps, c.var.caller, b.target_group.group_id, b.target_permissions as Permission[]))
  })
  .post('/remove_permissions_group', vJson(GroupPermissionsSchema), async (c) => {
    const b = c.req.valid('json')
    return c.json(await removeGroupPermissions(c.var.deps, c.var.caller, b.target_group.group_id, b.target_permissions as Permission[]))
  })
