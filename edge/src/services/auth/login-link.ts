import { and, eq, gt, isNull, lt } from 'drizzle-orm'
import { loginLinks, users, type DbOrTx } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorizeAgainstAdmin, findUser } from '../users/lookup'
import { randomToken, sha256Hex } from './bytes'
import { authorize, type Caller } from './caller'

/** How long a login link from get_login works; it works once. */
export const LOGIN_LINK_TTL_SECONDS = 300

/** The dashboard's route that signs in with a link's token. */
export const loginLinkUrl = (token: string) => `/#/login-link/${token}`

/**
 * Kasm's get_login: a one-time, short-lived link that signs the user in without a password (for
 * portals that have already authenticated them). Signing in as someone needs users_auth_session;
 * as a Global Admin, users_modify_admin too.
 */
export async function getLoginLink(deps: Deps, caller: Caller, userId: string) {
  authorize(caller, 'users_auth_session')
  const token = randomToken(43)
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + LOGIN_LINK_TTL_SECONDS * 1000)
  await deps.db.transaction(async (tx) => {
    const user = await findUser(tx, userId)
    await authorizeAgainstAdmin(tx, caller, user)
    if (user.locked || user.disabled)
      throw ApiError.conflict('This account is locked or disabled: it cannot sign in', 'target_user.user_id')
    await tx.insert(loginLinks).values({ userId: user.id, tokenHash: sha256Hex(token), expiresAt })
    await audit(tx, caller, 'get_login', { type: 'user', id: user.id })
  })
  return { url: loginLinkUrl(token), expires_at: expiresAt.toISOString() }
}

/** Uses up a link: the user it signs in, or null when it is unknown, used or expired. One statement, so it works once. */
export async function consumeLoginLink(db: DbOrTx, token: string, now: Date) {
  const [used] = await db
    .update(loginLinks)
    .set({ usedAt: now })
    .where(and(eq(loginLinks.tokenHash, sha256Hex(token)), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now)))
    .returning({ userId: loginLinks.userId })
  if (!used) return null
  const [user] = await db.select().from(users).where(eq(users.id, used.userId)).limit(1)
  return user ?? null
}

/** Drops links that can no longer be used (run by the manager tick). */
export async function pruneLoginLinks(db: DbOrTx, now: Date): Promise<void> {
  await db.delete(loginLinks).where(lt(loginLinks.expiresAt, now))
}
