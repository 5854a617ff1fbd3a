import { lt, or } from 'drizzle-orm'
import { authSessions, type Db } from '#schema'
import type { Clock } from '../clock'
import { pruneThrottles } from './auth/throttle'

/** Ended sign-ins are kept a day for the audit trail of who was signed in, then dropped. */
const KEEP_ENDED_SESSIONS_MS = 86_400_000

/** The manager's periodic work (Workers cron; a timer on Node). Later issues add session upkeep. */
export async function runManagerTick(db: Db, clock: Clock): Promise<void> {
  const now = clock.now()
  const cutoff = new Date(now.getTime() - KEEP_ENDED_SESSIONS_MS)
  await db.delete(authSessions).where(or(lt(authSessions.expiresAt, cutoff), lt(authSessions.revokedAt, cutoff)))
  await pruneThrottles(db, now)
}
