import { and, eq, inArray, lt, or, sql } from 'drizzle-orm'
import { agents, authSessions, connectionProxies, kasms, type Db, type Kasm } from '#schema'
import type { Clock } from '../clock'
import { pruneLoginLinks } from './auth/login-link'
import { pruneAnonymousUsers } from './users/anonymous'
import { pruneThrottles } from './auth/throttle'
import { pruneScreenshots } from './kasms/screenshot'
import { pruneConnectTokens } from './kasms/server-connect'
import { ACTIVE, AGENT_GONE, afterManagerEvent, dueTimeRule, START_TIMEOUT_MS } from './kasms/states'

/** Ended sign-ins are kept a day for the audit trail of who was signed in, then dropped. */
const KEEP_ENDED_SESSIONS_MS = 86_400_000
/** DESIGN §5: an agent silent for three poll intervals is offline. */
const OFFLINE_AFTER_POLLS = 3
/** Sessions of an agent that stays away this long are given up (the agent removes leftovers when it returns). */
const OFFLINE_GRACE_MS = 10 * 60_000

/** The manager's periodic work (Workers cron; a timer on Node). Each step is idempotent. */
export async function runManagerTick(db: Db, clock: Clock): Promise<void> {
  const now = clock.now()
  const at = (msAgo: number) => new Date(now.getTime() - msAgo)
  const cutoff = at(KEEP_ENDED_SESSIONS_MS)
  await db.delete(authSessions).where(or(lt(authSessions.expiresAt, cutoff), lt(authSessions.revokedAt, cutoff)))
  await pruneThrottles(db, now)
  await pruneLoginLinks(db, now)
  await pruneAnonymousUsers(db)
  await pruneScreenshots(db, now)
  await pruneConnectTokens(db, now)
  // A sign-in's password (kept for SSO_USERNAME servers) lives only as long as the sign-in.
  await db
    .update(authSessions)
    .set({ signInSecretEnc: null })
    .where(
      and(
        sql`${authSessions.signInSecretEnc} is not null`,
        or(lt(authSessions.expiresAt, now), sql`${authSessions.revokedAt} is not null`),
      ),
    )

  // Agents and connection proxies alike: silent for three poll (heartbeat) intervals means offline.
  for (const t of [agents, connectionProxies]) {
    await db
      .update(t)
      .set({ status: 'offline' })
      .where(
        and(
          eq(t.status, 'online'),
          sql`${t.lastSeenAt} < ${now.toISOString()}::timestamptz - (${t.pollIntervalMs} * ${OFFLINE_AFTER_POLLS}) * interval '1 millisecond'`,
        ),
      )
  }

  // Keepalive expiry, the session time limit and the start timeout, with the action fixed at launch.
  const active = await db
    .select()
    .from(kasms)
    .where(inArray(kasms.status, [...ACTIVE]))
  for (const k of active) {
    const rule = dueTimeRule(k, now)
    if (rule === 'start_timeout') {
      const change = afterManagerEvent(k, rule, await startTimeoutReason(db, k))
      // Only if still where it was read: a report of running that arrived meanwhile wins.
      if (change)
        await db
          .update(kasms)
          .set(change)
          .where(and(eq(kasms.id, k.id), eq(kasms.status, k.status)))
    } else if (rule) {
      await db.update(kasms).set(afterManagerEvent(k, rule)!).where(eq(kasms.id, k.id))
    }
  }

  // Sessions whose agent is gone: deleted after the grace (the agent removes the container if it returns).
  const gone = await db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.status, 'offline'), lt(agents.lastSeenAt, at(OFFLINE_GRACE_MS))))
  if (gone.length > 0) {
    await db
      .update(kasms)
      .set(AGENT_GONE.set)
      .where(
        and(
          inArray(
            kasms.agentId,
            gone.map((g) => g.id),
          ),
          inArray(kasms.status, [...AGENT_GONE.from]),
        ),
      )
  }
}

/**
 * Why a launch older than START_TIMEOUT_MS has not started, or null while its agent is still working
 * on it (an online agent reporting progress: its own steps are bounded, a large pull may take long).
 */
async function startTimeoutReason(db: Db, k: Kasm): Promise<string | null> {
  const [agent] = k.agentId ? await db.select().from(agents).where(eq(agents.id, k.agentId)) : []
  if (!agent) return 'Its agent was removed before the session started'
  if (agent.status !== 'online') {
    const since = agent.lastSeenAt ? ` since ${agent.lastSeenAt.toISOString()}` : ''
    return `Its agent ${agent.name} has been offline${since}, so the session could not start`
  }
  if (k.status === 'requested')
    return `Its agent ${agent.name} is online but did not pick up the session within ${START_TIMEOUT_MS / 60_000} minutes`
  return null
}
