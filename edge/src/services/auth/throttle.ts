import { and, eq, inArray, like, notLike, or, sql, type SQL } from 'drizzle-orm'
import { loginThrottles, type DbOrTx } from '#schema'

/**
 * Failed sign-ins are counted three ways, one `login_throttles` row each:
 *
 * - per (account, client address): blocked from the third failure, for 75 s doubling with each further
 *   failure (5 failures → 5 min, 8 → 40 min), capped at a day. Only the address that failed is blocked,
 *   so a stranger's guesses never lock the owner out from their own address.
 * - per client address, which many people may share: blocked from its tenth failure on any accounts,
 *   for 1 min doubling, capped at an hour.
 * - per account, across addresses: never blocks. From its tenth failure every password attempt on the
 *   account, right or wrong and from any address, waits before it is answered (0.5 s doubling, at most
 *   3 s). Waiting for right answers too is what makes it cost a guesser anything: were only wrong
 *   answers slow, a guesser would give up on any answer that did not come at once. Admins see this
 *   count as `failed_pw_attempts`.
 *
 * Counters forget failures a day old. A good sign-in clears its (account, address) counter; the
 * account's counter stays until a day passes without failures or an admin unlocks the account
 * (`clearAccountThrottles`), so the owner's sign-in does not reset the slowdown for the guessers.
 */
export const ACCOUNT_ADDRESS_POLICY = { freeFailures: 2, firstBlockSeconds: 75, maxBlockSeconds: 86_400 }
export const ADDRESS_POLICY = { freeFailures: 9, firstBlockSeconds: 60, maxBlockSeconds: 3_600 }
export const ACCOUNT_SLOWDOWN = { freeFailures: 9, firstDelayMs: 500, maxDelayMs: 3_000 }
const FORGET_AFTER_SECONDS = 86_400

export type ThrottlePolicy = typeof ADDRESS_POLICY

/** How long to block after the `failures`-th failure in a row. */
export function blockSeconds(failures: number, p: ThrottlePolicy): number {
  if (failures <= p.freeFailures) return 0
  return Math.min(p.maxBlockSeconds, p.firstBlockSeconds * 2 ** (failures - p.freeFailures - 1))
}

/** How long a password attempt on an account with this many recent failures waits before its answer. */
export function slowdownMs(accountFailures: number, p = ACCOUNT_SLOWDOWN): number {
  if (accountFailures <= p.freeFailures) return 0
  return Math.min(p.maxDelayMs, p.firstDelayMs * 2 ** (accountFailures - p.freeFailures - 1))
}

/*
 * Keys. `user:<name>` is the account's counter (the key today's rows already use). A pair key puts the
 * address last, URI-encoded so it never holds a `|`: then `pair:<name>|` followed by text without `|`
 * belongs to that account alone, even when another username contains `|`.
 */
const ACCOUNT_KEY_PREFIX = 'user:'
export const accountKey = (username: string) => `${ACCOUNT_KEY_PREFIX}${username.toLowerCase()}`
/** SQL for an account's recent failures (what `failedSignInsOf` reads), for a query's username column. */
export const accountFailuresSql = (username: SQL) =>
  sql<number>`coalesce((select lt.failures from ${loginThrottles} lt where lt.key = ${ACCOUNT_KEY_PREFIX} || lower(${username})), 0)`
export const addressKey = (address: string) => `addr:${address}`
export const accountAddressKey = (username: string, address: string) => `pair:${username.toLowerCase()}|${encodeURIComponent(address)}`

/** The three counters one password sign-in reads and, when it fails, counts against. */
export type SignInKeys = { account: string; accountAddress: string; address: string }
export const signInKeys = (username: string, address: string): SignInKeys => ({
  account: accountKey(username),
  accountAddress: accountAddressKey(username, address),
  address: addressKey(address),
})

/**
 * Where a password sign-in stands: seconds until its (account, address) or address block ends (0 if
 * none), and the account's recent failures. The account's row never blocks, whatever it holds.
 */
export async function signInState(db: DbOrTx, keys: SignInKeys, now: Date) {
  const rows = await db
    .select()
    .from(loginThrottles)
    .where(inArray(loginThrottles.key, [keys.account, keys.accountAddress, keys.address]))
  const blocking = rows.filter((r) => r.key !== keys.account)
  const account = rows.find((r) => r.key === keys.account)
  return {
    blockedSeconds: secondsUntil(blocking, now),
    accountFailures: account && !forgotten(account.lastFailureAt, now) ? account.failures : 0,
  }
}

/** Seconds until the longest block among these keys ends, or 0. */
export async function secondsBlocked(db: DbOrTx, keys: string[], now: Date): Promise<number> {
  return secondsUntil(await db.select().from(loginThrottles).where(inArray(loginThrottles.key, keys)), now)
}

function secondsUntil(rows: { blockedUntil: Date | null }[], now: Date): number {
  const until = Math.max(0, ...rows.map((r) => r.blockedUntil?.getTime() ?? 0))
  return Math.max(0, Math.ceil((until - now.getTime()) / 1000))
}

const forgotten = (lastFailureAt: Date, now: Date) => lastFailureAt.getTime() < now.getTime() - FORGET_AFTER_SECONDS * 1000

/**
 * Counts one failure against each key (one statement, so concurrent guesses all count) and sets the
 * block its policy gives; a key without a policy only counts.
 */
export async function recordFailures(db: DbOrTx, counted: { key: string; policy?: ThrottlePolicy }[], now: Date): Promise<void> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000)
  // Rows in key order, so two sign-ins counting against the same keys lock them in the same order.
  const keys = [...new Set(counted.map((c) => c.key))].sort()
  const rows = await db
    .insert(loginThrottles)
    .values(keys.map((key) => ({ key, failures: 1, lastFailureAt: now })))
    .onConflictDoUpdate({
      target: loginThrottles.key,
      set: {
        failures: sql`case when ${loginThrottles.lastFailureAt} < ${forgetBefore.toISOString()}::timestamptz then 1 else ${loginThrottles.failures} + 1 end`,
        lastFailureAt: now,
      },
    })
    .returning({ key: loginThrottles.key, failures: loginThrottles.failures })
  for (const { key, policy } of counted) {
    const seconds = policy ? blockSeconds(rows.find((r) => r.key === key)?.failures ?? 1, policy) : 0
    if (seconds > 0) {
      await db
        .update(loginThrottles)
        .set({ blockedUntil: new Date(now.getTime() + seconds * 1000) })
        .where(eq(loginThrottles.key, key))
    }
  }
}

/** Counts one failure against a key and sets its block. */
export async function recordFailure(db: DbOrTx, key: string, policy: ThrottlePolicy, now: Date): Promise<void> {
  await recordFailures(db, [{ key, policy }], now)
}

export async function clearFailures(db: DbOrTx, key: string): Promise<void> {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, key))
}

/** LIKE pattern text matching `s` literally (backslash is Postgres's default LIKE escape). */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, '\\$&')

/** Unblocks an account from every address: drops its (account, address) counters and its own. */
export async function clearAccountThrottles(db: DbOrTx, username: string): Promise<void> {
  const pairs = likeLiteral(accountAddressKey(username, ''))
  await db
    .delete(loginThrottles)
    .where(
      or(
        eq(loginThrottles.key, accountKey(username)),
        and(like(loginThrottles.key, `${pairs}%`), notLike(loginThrottles.key, `${pairs}%|%`)),
      ),
    )
}

/**
 * Each account's recent failed sign-ins across addresses (Kasm's `failed_pw_attempts`), by the
 * username given; 0 for none. Counts stay until the manager tick prunes them a day after the last failure.
 */
export async function failedSignInsOf(db: DbOrTx, usernames: string[]): Promise<Map<string, number>> {
  const out = new Map(usernames.map((u) => [u, 0]))
  if (usernames.length === 0) return out
  const rows = await db
    .select({ key: loginThrottles.key, failures: loginThrottles.failures })
    .from(loginThrottles)
    .where(inArray(loginThrottles.key, [...new Set(usernames.map(accountKey))]))
  const byKey = new Map(rows.map((r) => [r.key, r.failures]))
  for (const u of usernames) out.set(u, byKey.get(accountKey(u)) ?? 0)
  return out
}

/** Drops counters nobody has failed against for a day (run by the manager tick). */
export async function pruneThrottles(db: DbOrTx, now: Date): Promise<void> {
  await db
    .delete(loginThrottles)
    .where(sql`${loginThrottles.lastFailureAt} < ${new Date(now.getTime() - FORGET_AFTER_SECONDS * 1000).toISOString()}::timestamptz`)
}
