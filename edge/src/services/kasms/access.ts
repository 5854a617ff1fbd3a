import { eq } from 'drizzle-orm'
import { kasms, type DbOrTx, type Kasm } from '#schema'
import { ApiError } from '../../errors'
import { authorize, can, type Caller } from '../auth/caller'

/**
 * Whom a session call acts for. A signed-in user acts for themself; acting for someone else (and
 * every API-key call, which has no user of its own) needs users_auth_session, plus `user` (Kasm's rule).
 */
export function subjectUserId(caller: Caller, requested: string | undefined): string {
  authorize(caller, 'user')
  if (caller.kind === 'user' && (requested === undefined || requested === caller.userId)) return caller.userId!
  authorize(caller, 'users_auth_session')
  if (requested === undefined) throw ApiError.invalid('Invalid user_id: is required when calling with an API key', 'user_id')
  return requested
}

/** A session the caller may see: their own (or the user they act for), or any with `permission`. */
export async function findKasmFor(
  db: DbOrTx,
  caller: Caller,
  kasmId: string,
  userId: string | undefined,
  permission: 'sessions_view' | 'sessions_modify' | 'sessions_delete',
): Promise<Kasm> {
  const [kasm] = await db.select().from(kasms).where(eq(kasms.id, kasmId)).limit(1)
  const mayAll = can(caller, permission)
  if (!mayAll) {
    const subject = subjectUserId(caller, userId)
    if (!kasm || kasm.userId !== subject) throw ApiError.notFound('Session', 'kasm_id')
  }
  if (!kasm || kasm.status === 'deleted') throw ApiError.notFound('Session', 'kasm_id')
  return kasm
}
