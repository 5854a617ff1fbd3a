import { eq } from 'drizzle-orm'
import { groupPermissions, groups, type DbOrTx, type Group } from '#schema'
import { ApiError } from '../../errors'
import { authorize, authorizeGrant, type Caller } from '../auth/caller'

export async function findGroup(db: DbOrTx, groupId: string): Promise<Group> {
  const [g] = await db.select().from(groups).where(eq(groups.id, groupId)).limit(1)
  if (!g) throw ApiError.notFound('Group', 'target_group.group_id')
  return g
}

export async function permissionsOfGroup(db: DbOrTx, groupId: string): Promise<string[]> {
  const rows = await db.select().from(groupPermissions).where(eq(groupPermissions.groupId, groupId))
  return rows.map((r) => r.permission).sort()
}

/**
 * Checks the caller may change this group: groups_modify, plus groups_modify_system for built-in
 * groups. Changing who is in a group, or what it grants, also requires holding what it grants.
 */
export async function authorizeGroupChange(db: DbOrTx, caller: Caller, group: Group, opts: { grants?: boolean } = {}) {
  authorize(caller, 'groups_modify')
  if (group.isSystem) authorize(caller, 'groups_modify_system')
  if (opts.grants) authorizeGrant(caller, await permissionsOfGroup(db, group.id))
}
