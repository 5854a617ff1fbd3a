import { asc, eq, sql } from 'drizzle-orm'
import { groups, kasms, userAttributes, userGroups, users, type CreateUserInput, type Db, type UpdateUserInput } from '#schema'
import { prepared } from '../../db/prepared'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, isSelf, type Caller } from '../auth/caller'
import { hashPassword } from '../auth/passwords'
import { clearAccountThrottles } from '../auth/throttle'
import { isUniqueViolation } from '../ids'
import { ALL_USERS, authorizeAgainstAdmin, findUser, findUserByName, groupIdByName, liveKasmIds, revokeSessions } from './lookup'
import { extrasColumns, extrasFrom, extrasOf, membershipsOf, OUTER_USER_ID, userView, viewOf, visibleTo } from './view'

export async function listUsers(deps: Deps, caller: Caller) {
  authorize(caller, 'users_view')
  const rows = await deps.db.select().from(users).orderBy(asc(users.username))
  const ids = rows.map((u) => u.id)
  const [memberships, extras] = await Promise.all([membershipsOf(deps.db, ids), extrasOf(deps.db, ids)])
  return { users: rows.map((u) => visibleTo(caller)(userView(u, memberships.get(u.id) ?? [], extras.get(u.id)))) }
}

/** A user with their groups (priority order), live sessions and assigned servers, in one round trip. */
const userByIdQuery = (db: Db) =>
  db
    .select({
      user: users,
      groups: sql<
        { name: string; groupId: string }[]
      >`coalesce((select json_agg(json_build_object('name', g.name, 'groupId', g.id) order by g.priority)
        from ${userGroups} ug join ${groups} g on g.id = ug.group_id where ug.user_id = ${OUTER_USER_ID}), '[]')`,
      ...extrasColumns(),
    })
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1)
    .prepare('oriel_user_by_id')

/** By id or username. A user may always read their own record; others need users_view (checked before 404). */
export async function getUser(deps: Deps, caller: Caller, ref: { user_id?: string; username?: string }) {
  if (ref.user_id !== undefined) {
    const [row] = await prepared(deps.db, 'oriel_user_by_id', userByIdQuery).execute({ id: ref.user_id })
    if (!row || !isSelf(caller, row.user.id)) authorize(caller, 'users_view')
    if (!row) throw ApiError.notFound('User', 'target_user.user_id')
    return { user: visibleTo(caller)(userView(row.user, row.groups, extrasFrom(row))) }
  }
  const u = await findUserByName(deps.db, ref.username ?? '')
  if (!u || !isSelf(caller, u.id)) authorize(caller, 'users_view')
  if (!u) throw ApiError.notFound('User', 'target_user.username')
  return { user: visibleTo(caller)(await viewOf(deps.db, u)) }
}

const profileFields = (t: Omit<UpdateUserInput, 'user_id'>) => ({
  ...(t.first_name !== undefined && { firstName: t.first_name }),
  ...(t.last_name !== undefined && { lastName: t.last_name }),
  ...(t.phone !== undefined && { phone: t.phone }),
  ...(t.organization !== undefined && { organization: t.organization }),
  ...(t.notes !== undefined && { notes: t.notes }),
  ...(t.email !== undefined && { email: t.email }),
  ...(t.city !== undefined && { city: t.city }),
  ...(t.state !== undefined && { state: t.state }),
  ...(t.country !== undefined && { country: t.country }),
  ...(t.locked !== undefined && { locked: t.locked }),
  ...(t.disabled !== undefined && { disabled: t.disabled }),
})

const usernameTaken = () => ApiError.conflict('Username already exists', 'target_user.username')

/** Creates a user in All Users, with their attributes row, in one transaction. */
export async function createUser(deps: Deps, caller: Caller, t: CreateUserInput) {
  authorize(caller, 'users_create')
  const now = deps.clock.now()
  // Hash before the transaction: it is the slow part and needs no rows locked.
  const passwordHash = t.password === undefined ? null : await hashPassword(t.password)
  try {
    const user = await deps.db.transaction(async (tx) => {
      if (await findUserByName(tx, t.username)) throw usernameTaken()
      const [u] = await tx
        .insert(users)
        .values({ username: t.username, passwordHash, passwordSetAt: passwordHash ? now : null, ...profileFields(t) })
        .returning()
      if (!u) throw new Error('insert returned no row')
      await tx.insert(userAttributes).values({ userId: u.id })
      await tx.insert(userGroups).values({ userId: u.id, groupId: await groupIdByName(tx, ALL_USERS) })
      await audit(tx, caller, 'create_user', { type: 'user', id: u.id })
      return visibleTo(caller)(await viewOf(tx, u))
    })
    return { user }
  } catch (err) {
    if (isUniqueViolation(err)) throw usernameTaken()
    throw err
  }
}

/** Changes profile fields, flags or the password. Locking, disabling or a new password ends the user's sign-ins. */
export async function updateUser(deps: Deps, caller: Caller, t: UpdateUserInput) {
  authorize(caller, 'users_modify')
  const now = deps.clock.now()
  const passwordHash = t.password === undefined ? undefined : await hashPassword(t.password)
  try {
    const user = await deps.db.transaction(async (tx) => {
      const current = await findUser(tx, t.user_id)
      await authorizeAgainstAdmin(tx, caller, current)
      if (t.username !== undefined && t.username.toLowerCase() !== current.username.toLowerCase()) {
        if (await findUserByName(tx, t.username)) throw usernameTaken()
      }
      const [u] = await tx
        .update(users)
        .set({
          ...profileFields(t),
          ...(t.username !== undefined && { username: t.username }),
          ...(passwordHash !== undefined && { passwordHash, passwordSetAt: now }),
        })
        .where(eq(users.id, current.id))
        .returning()
      if (!u) throw ApiError.notFound('User', 'target_user.user_id')
      if (passwordHash !== undefined || u.locked || u.disabled) await revokeSessions(tx, u.id, now)
      // Kasm admins unlock with locked:false: that also ends sign-in blocks, from every address.
      if (t.locked === false) for (const name of new Set([current.username, u.username])) await clearAccountThrottles(tx, name)
      await audit(
        tx,
        caller,
        'update_user',
        { type: 'user', id: u.id },
        { fields: Object.keys(t).filter((k) => k !== 'password' && k !== 'user_id'), password_changed: passwordHash !== undefined },
      )
      return visibleTo(caller)(await viewOf(tx, u))
    })
    return { user }
  } catch (err) {
    if (isUniqueViolation(err)) throw usernameTaken()
    throw err
  }
}

/** Refuses while the user holds live sessions, unless `force`, which ends them with the user. */
export async function deleteUser(deps: Deps, caller: Caller, userId: string, force: boolean) {
  authorize(caller, 'users_delete')
  if (isSelf(caller, userId)) throw ApiError.conflict('You cannot delete your own account', 'target_user.user_id')
  await deps.db.transaction(async (tx) => {
    const target = await findUser(tx, userId)
    await authorizeAgainstAdmin(tx, caller, target)
    const live = await liveKasmIds(tx, [target.id])
    if (live.length > 0 && !force) {
      throw ApiError.conflict(`User has ${live.length} active session(s); end them first or pass force: true`, 'force')
    }
    await tx.delete(kasms).where(eq(kasms.userId, target.id))
    await tx.delete(users).where(eq(users.id, target.id))
    await audit(tx, caller, 'delete_user', { type: 'user', id: target.id }, { force, sessions_ended: live.length })
  })
  return {}
}

/** Ends every sign-in of a user. Needs users_auth_session, unless the user is the caller. */
export async function logoutUser(deps: Deps, caller: Caller, userId: string) {
  if (!isSelf(caller, userId)) authorize(caller, 'users_auth_session')
  await deps.db.transaction(async (tx) => {
    const target = await findUser(tx, userId)
    if (!isSelf(caller, userId)) await authorizeAgainstAdmin(tx, caller, target)
    const count = await revokeSessions(tx, target.id, deps.clock.now())
    await audit(tx, caller, 'logout_user', { type: 'user', id: target.id }, { sessions_revoked: count })
  })
  return {}
}
