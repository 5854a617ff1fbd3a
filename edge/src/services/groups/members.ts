import { and, eq, inArray } from 'drizzle-orm'
import { groupImages, groupPermissions, images, userGroups, type Group, type Permission, type Tx } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, authorizeGrant, type Caller } from '../auth/caller'
import { kasmId } from '../ids'
import { ALL_USERS, authorizeAgainstAdmin, findUser } from '../users/lookup'
import { authorizeGroupChange, findGroup, permissionsOfGroup } from './lookup'

/**
 * Runs `change` on a group in one transaction, once the caller may make it: groups_modify before any lookup,
 * so refusals do not reveal what exists; then what `authorizeGroupChange` asks of this group (with `grants`,
 * holding what the group grants), and with `granting`, holding the permissions given or withdrawn.
 */
async function changeGroup<T>(
  deps: Deps,
  caller: Caller,
  groupId: string,
  opts: { grants?: boolean; granting?: Permission[] },
  change: (tx: Tx, group: Group) => Promise<T>,
): Promise<T> {
  authorize(caller, 'groups_modify')
  if (opts.granting) authorizeGrant(caller, opts.granting)
  return deps.db.transaction(async (tx) => {
    const group = await findGroup(tx, groupId)
    await authorizeGroupChange(tx, caller, group, { grants: opts.grants })
    return change(tx, group)
  })
}

/** Adding someone to a group gives them its permissions, so the caller must hold those too. */
export async function addUserToGroup(deps: Deps, caller: Caller, userId: string, groupId: string) {
  await changeGroup(deps, caller, groupId, { grants: true }, async (tx) => {
    await findUser(tx, userId)
    await tx.insert(userGroups).values({ userId, groupId }).onConflictDoNothing()
    await audit(tx, caller, 'add_user_group', { type: 'group', id: groupId }, { user_id: kasmId(userId) })
  })
  return {}
}

export async function removeUserFromGroup(deps: Deps, caller: Caller, userId: string, groupId: string) {
  await changeGroup(deps, caller, groupId, {}, async (tx, group) => {
    if (group.name === ALL_USERS && group.isSystem) throw ApiError.conflict('Every user belongs to All Users', 'target_group.group_id')
    await authorizeAgainstAdmin(tx, caller, await findUser(tx, userId))
    const removed = await tx
      .delete(userGroups)
      .where(and(eq(userGroups.userId, userId), eq(userGroups.groupId, groupId)))
      .returning()
    if (removed.length === 0) throw ApiError.notFound('Membership of this user in this group', 'target_user.user_id')
    await audit(tx, caller, 'remove_user_group', { type: 'group', id: groupId }, { user_id: kasmId(userId) })
  })
  return {}
}

export async function getGroupPermissions(deps: Deps, caller: Caller, groupId: string) {
  authorize(caller, 'groups_view')
  await findGroup(deps.db, groupId)
  return { permissions: await permissionsOfGroup(deps.db, groupId) }
}

/** Grants permissions to a group; the caller must hold each one. */
export async function addGroupPermissions(deps: Deps, caller: Caller, groupId: string, names: Permission[]) {
  return changeGroup(deps, caller, groupId, { granting: names }, async (tx) => {
    if (names.length > 0)
      await tx
        .insert(groupPermissions)
        .values(names.map((permission) => ({ groupId, permission })))
        .onConflictDoNothing()
    await audit(tx, caller, 'add_permissions_group', { type: 'group', id: groupId }, { permissions: names })
    return { permissions: await permissionsOfGroup(tx, groupId) }
  })
}

/** Withdrawing is limited like granting: otherwise a lesser admin could strip an Administrators grant. */
export async function removeGroupPermissions(deps: Deps, caller: Caller, groupId: string, names: Permission[]) {
  return changeGroup(deps, caller, groupId, { granting: names }, async (tx) => {
    if (names.length > 0)
      await tx.delete(groupPermissions).where(and(eq(groupPermissions.groupId, groupId), inArray(groupPermissions.permission, names)))
    await audit(tx, caller, 'remove_permissions_group', { type: 'group', id: groupId }, { permissions: names })
    return { permissions: await permissionsOfGroup(tx, groupId) }
  })
}

export async function addImageToGroup(deps: Deps, caller: Caller, groupId: string, imageId: string) {
  await changeGroup(deps, caller, groupId, {}, async (tx) => {
    const [img] = await tx.select({ id: images.id }).from(images).where(eq(images.id, imageId)).limit(1)
    if (!img) throw ApiError.notFound('Workspace', 'target_image.image_id')
    await tx.insert(groupImages).values({ groupId, imageId }).onConflictDoNothing()
    await audit(tx, caller, 'add_images_group', { type: 'group', id: groupId }, { image_id: kasmId(imageId) })
  })
  return {}
}

export async function removeImageFromGroup(deps: Deps, caller: Caller, groupId: string, imageId: string) {
  await changeGroup(deps, caller, groupId, {}, async (tx) => {
    const removed = await tx
      .delete(groupImages)
      .where(and(eq(groupImages.groupId, groupId), eq(groupImages.imageId, imageId)))
      .returning()
    if (removed.length === 0) throw ApiError.notFound('This workspace in this group', 'target_image.image_id')
    await audit(tx, caller, 'remove_images_group', { type: 'group', id: groupId }, { image_id: kasmId(imageId) })
  })
  return {}
}
