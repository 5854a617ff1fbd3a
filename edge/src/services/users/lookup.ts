import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { authSessions, groups, kasms, users, type DbOrTx, type User } from '#schema'
import { ApiError } from '../../errors'
import { can, userPermissions, type Caller } from '../auth/caller'
import { EXISTING } from '../kasms/states'

export const ALL_USERS = 'All Users'
export const ADMINISTRATORS = 'Administrators'

export async function findUser(db: DbOrTx, userId: string, field = 'target_user.user_id'): Promise<User> {
  const [u] = await db.select().from(users).where(eq(users.id, userId)).limit(1)
  if (!u) throw ApiError.notFound('User', field)
  return u
}

export async function findUserByName(db: DbOrTx, username: string): Promise<User | undefined> {
  const [u] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.username}) = ${username.toLowerCase()}`)
    .limit(1)
  return u
}

export async function groupIdByName(db: DbOrTx, name: string): Promise<string> {
  const [g] = await db.select({ id: groups.id }).from(groups).where(eq(groups.name, name)).limit(1)
  if (!g) throw new Error(`built-in group ${name} is missing; run the bootstrap`)
  return g.id
}

/** Changing, deleting or signing out a Global Admin also takes users_modify_admin (Kasm's rule). */
export async function authorizeAgainstAdmin(db: DbOrTx, caller: Caller, target: User): Promise<void> {
  if (can(caller, 'users_modify_admin')) return
  if ((await userPermissions(db, target.id)).has('global_admin')) throw ApiError.forbidden('Unauthorized: the user is a Global Admin')
}

/** Ends every sign-in of a user: their bearer tokens and cookies stop working at once. */
export async function revokeSessions(db: DbOrTx, userId: string, now: Date): Promise<number> {
  const revoked = await db
    .update(authSessions)
    .set({ revokedAt: now, signInSecretEnc: null })
    .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)))
    .returning({ id: authSessions.id })
  return revoked.length
}

/** Sessions the user holds that have not been deleted. */
export async function liveKasmIds(db: DbOrTx, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return []
  const rows = await db
    .select({ id: kasms.id })
    .from(kasms)
    .where(and(inArray(kasms.userId, userIds), inArray(kasms.status, [...EXISTING])))
  return rows.map((r) => r.id)
}
