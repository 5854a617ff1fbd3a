import { eq, inArray, sql } from 'drizzle-orm'
import { loginThrottles, type Db } from '#schema'

/**
 * Failed sign-ins slow down per account and per client address. An account is blocked from its
 * third failure on, for 75 s doubling with each further failure (5 failures → 5 min, 8 → 40 min),
 * capped at a day. An address, which many people may share, from its tenth failure on, for 1 min
 * doubling, capped at an hour. Counters forget failures a day old; a good sign-in clears the account's.
 */
export const ACCOUNT_POLICY = { freeFailures: 2, firstBlockSeconds: 75, maxBlockSeconds: 86_400 }
export const ADDRESS_POLICY = { freeFailures: 9, firstBlockSeconds: 60, maxBlockSeconds: 3_600 }
const FORGET_AFTER_SECONDS = 86_400

export type ThrottlePolicy = typeof ACCOUNT_POLICY

/** How long to block after the `failures`-th failure in a row. */
export function blockSeconds(failures: number, p: ThrottlePolicy): number {
  if (failures <= p.freeFailures) return 0
  return Math.min(p.maxBlockSeconds, p.firstBlockSeconds * 2 ** (failures - p.freeFailures - 1))
}

export const accountKey = (username: string) => `user:${username.toLowerCase()}`
export const addressKey = (address: string) => `addr:${address}`

/** Seconds until the longest block among these keys ends, or 0. */
export async function secondsBlocked(db: Db, keys: string[], now: Date): Promise<number> {
  const rows = await db.select().from(loginThrottles).where(inArray(loginThrottles.key, keys))
  const until = Math.max(0, ...rows.map((r) => r.blockedUntil?.getTime() ?? 0))
  return Math.max(0, Math.ceil((until - now.getTime()) / 1000))
}

/** Counts one failure against a key (atomically, so concurrent guesses all count) and sets its block. */
export async function recordFailure(db: Db, key: string, policy: ThrottlePolicy, now: Date): Promise<void> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000)
  const [row] = await db
    .insert(loginThrottles)
    .values({ key, failures: 1, lastFailureAt: now })
    .onConflictDoUpdate({
      target: loginThrottles.key,
      set: {
        failures: sql`case when ${loginThrottles.lastFailureAt} < ${forgetBefore.toISOString()}::timestamptz then 1 else ${loginThrottles.failures} + 1 end`,
        lastFailureAt: now,
      },
    })
    .returning({ failures: loginThrottles.failures })
  const seconds = blockSeconds(row?.failures ?? 1, policy)
  if (seconds > 0) {
    await db.update(loginThrottles).set({ blockedUntil: new Date(now.getTime() + seconds * 1000) }).where(eq(loginThrottles.key, key))
  }
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, key))
}

/** Drops counters nobody has failed against for a day (run by the manager tick). */
export async function pruneThrottles(db: Db, now: Date): Promise<void> {
  await db.delete(loginThrottles).where(sql`${loginThrottles.lastFailureAt} < ${new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000).toISOString()}::timestamptz`)
}
