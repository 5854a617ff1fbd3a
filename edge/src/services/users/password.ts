import { and, eq, isNull, ne } from 'drizzle-orm'
import { authSessions, users } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import type { Caller } from '../auth/caller'
import { hashPassword, verifyPassword } from '../auth/passwords'

/**
 * set_password: the signed-in user changes their own password, proving the current one. Their
 * other sign-ins end; this one stays. (Admins reset others' passwords with update_user.)
 */
export async function setOwnPassword(deps: Deps, caller: Caller, input: { current_password: string; new_password: string }) {
  if (caller.kind !== 'user' || !caller.userId)
    throw ApiError.forbidden('Unauthorized: only a signed-in user can change their own password')
  const [user] = await deps.db.select().from(users).where(eq(users.id, caller.userId)).limit(1)
  if (!user?.passwordHash || !(await verifyPassword(input.current_password, user.passwordHash))) {
    throw ApiError.invalid('Invalid current_password: it is not your current password', 'current_password')
  }
  const passwordHash = await hashPassword(input.new_password)
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, passwordSetAt: now }).where(eq(users.id, user.id))
    await tx
      .update(authSessions)
      .set({ revokedAt: now, signInSecretEnc: null })
      .where(
        and(
          eq(authSessions.userId, user.id),
          isNull(authSessions.revokedAt),
          caller.sessionId ? ne(authSessions.id, caller.sessionId) : undefined,
        ),
      )
    await audit(tx, caller, 'set_password', { type: 'user', id: user.id })
  })
  return {}
}
