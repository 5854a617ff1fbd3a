import { asc, eq } from 'drizzle-orm'
import { userGroups, users } from '#schema'
import type { Deps } from '../../deps'
import { authorize, type Caller } from '../auth/caller'
import { extrasOf, membershipsOf, userView, visibleTo } from '../users/view'
import { findGroup } from './lookup'

/** Kasm's get_users_group: the group's members, as get_users shows users. */
export async function listGroupUsers(deps: Deps, caller: Caller, groupId: string) {
  authorize(caller, 'groups_view')
  authorize(caller, 'users_view')
  await findGroup(deps.db, groupId)
  const rows = await deps.db
    .select({ user: users })
    .from(userGroups)
    .innerJoin(users, eq(users.id, userGroups.userId))
    .where(eq(userGroups.groupId, groupId))
    .orderBy(asc(users.username))
  const ids = rows.map((r) => r.user.id)
  const [memberships, extras] = await Promise.all([membershipsOf(deps.db, ids), extrasOf(deps.db, ids)])
  return { users: rows.map(({ user }) => visibleTo(caller)(userView(user, memberships.get(user.id) ?? [], extras.get(user.id)))) }
}
