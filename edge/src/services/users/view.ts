import { eq, inArray } from 'drizzle-orm'
import { groups, userGroups, type DbOrTx, type User } from '#schema'
import { failedSignInsOf } from '../auth/throttle'
import { iso, kasmId } from '../ids'

/**
 * A user as Kasm's API shows one. Never includes the password hash. `failedPwAttempts`: the account's
 * recent failed sign-ins from any address (`failedSignInsOf`).
 */
export function userView(u: User, memberOf: { name: string; groupId: string }[], failedPwAttempts = 0) {
  return {
    user_id: kasmId(u.id),
    username: u.username,
    first_name: u.firstName,
    last_name: u.lastName,
    phone: u.phone,
    organization: u.organization,
    notes: u.notes,
    realm: u.realm,
    locked: u.locked,
    disabled: u.disabled,
    failed_pw_attempts: failedPwAttempts,
    last_session: iso(u.lastSession),
    password_set_date: iso(u.passwordSetAt),
    created: iso(u.createdAt),
    groups: memberOf.map((g) => ({ name: g.name, group_id: kasmId(g.groupId) })),
  }
}
export type UserView = ReturnType<typeof userView>

/** Group memberships of these users, by user id, in priority order. */
export async function membershipsOf(db: DbOrTx, userIds: string[]) {
  const byUser = new Map<string, { name: string; groupId: string }[]>()
  if (userIds.length === 0) return byUser
  const rows = await db
    .select({ userId: userGroups.userId, groupId: groups.id, name: groups.name })
    .from(userGroups)
    .innerJoin(groups, eq(groups.id, userGroups.groupId))
    .where(inArray(userGroups.userId, userIds))
    .orderBy(groups.priority)
  for (const r of rows) {
    const list = byUser.get(r.userId) ?? []
    list.push({ name: r.name, groupId: r.groupId })
    byUser.set(r.userId, list)
  }
  return byUser
}

export async function viewOf(db: DbOrTx, u: User): Promise<UserView> {
  const [memberships, failed] = await Promise.all([membershipsOf(db, [u.id]), failedSignInsOf(db, [u.username])])
  return userView(u, memberships.get(u.id) ?? [], failed.get(u.username))
}
