import { and, eq, inArray, notExists, notInArray } from 'drizzle-orm'
import { kasms, userAttributes, userGroups, users, type DbOrTx, type User } from '#schema'
import { randomToken } from '../auth/bytes'
import { ENDED } from '../kasms/states'
import { ALL_USERS, groupIdByName } from './lookup'

/**
 * Kasm's anonymous user: what an API key's request_kasm without a user_id launches for. In All
 * Users, with no password (the session's deep link is its only way in), made in the launch's
 * transaction so a refused launch leaves none behind.
 */
export async function createAnonymousUser(tx: DbOrTx): Promise<User> {
  const [u] = await tx
    .insert(users)
    .values({ username: `anonymous-${randomToken(16).toLowerCase()}`, anonymous: true })
    .returning()
  if (!u) throw new Error('insert returned no row')
  await tx.insert(userAttributes).values({ userId: u.id })
  await tx.insert(userGroups).values({ userId: u.id, groupId: await groupIdByName(tx, ALL_USERS) })
  return u
}

/** Removes anonymous users whose sessions have all ended (run by the manager tick); returns how many. */
export async function pruneAnonymousUsers(db: DbOrTx): Promise<number> {
  const live = db
    .select({ id: kasms.id })
    .from(kasms)
    .where(and(eq(kasms.userId, users.id), notInArray(kasms.status, [...ENDED])))
  const gone = await db
    .delete(users)
    .where(and(eq(users.anonymous, true), notExists(live)))
    .returning({ id: users.id })
  if (gone.length > 0)
    await db.delete(kasms).where(
      inArray(
        kasms.userId,
        gone.map((g) => g.id),
      ),
    )
  return gone.length
}
