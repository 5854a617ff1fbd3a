import { and, eq, isNull } from 'drizzle-orm'
import { authSessions, kasms, servers, users, type LoginInput, type LoginLinkInput, type SessionTokenLoginInput, type User } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { LIVE } from '../kasms/states'
import { findUserByName } from '../users/lookup'
import { viewOf } from '../users/view'
import { sha256Hex, timingSafeEqual } from './bytes'
import { consumeLoginLink } from './login-link'
import { can, userPermissions, type Caller } from './caller'
import { decoyPasswordHash, verifyPassword } from './passwords'
import { encryptSecret } from '../secrets'
import {
  ACCOUNT_ADDRESS_POLICY,
  ADDRESS_POLICY,
  addressKey,
  clearFailures,
  recordFailure,
  recordFailures,
  secondsBlocked,
  signInKeys,
  signInState,
  slowdownMs,
} from './throttle'
import { signSessionToken } from './tokens'

export type LoginContext = {
  clientAddress: string
  userAgent: string | null
  /** Waits this long (a timer in production, injected in tests); see ACCOUNT_SLOWDOWN. */
  wait: (ms: number) => Promise<void>
}

/**
 * Checks a username and password and opens a sign-in session. A blocked (account, address) pair or
 * address is refused before any hashing; an account with many recent failures is answered slowly, never
 * refused (throttle.ts); unknown users cost the same time as wrong passwords.
 */
export async function login(deps: Deps, input: LoginInput, ctx: LoginContext) {
  const now = deps.clock.now()
  const keys = signInKeys(input.username, ctx.clientAddress)
  const state = await signInState(deps.db, keys, now)
  if (state.blockedSeconds > 0) throw tooMany(state.blockedSeconds)
  // Before the password is checked, so that neither a right nor a wrong answer comes sooner.
  const delayMs = slowdownMs(state.accountFailures)
  if (delayMs > 0) await ctx.wait(delayMs)
  const user = await findUserByName(deps.db, input.username)
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash()))
  if (!user || !user.passwordHash || !ok) {
    await recordFailures(
      deps.db,
      [{ key: keys.account }, { key: keys.accountAddress, policy: ACCOUNT_ADDRESS_POLICY }, { key: keys.address, policy: ADDRESS_POLICY }],
      now,
    )
    deps.log.warn('sign-in failed', { client_address: ctx.clientAddress, slowed_ms: delayMs })
    throw new ApiError('unauthenticated', 'Invalid username or password')
  }
  if (user.disabled) throw ApiError.forbidden('This account is disabled. Contact your administrator.')
  if (user.locked) throw ApiError.forbidden('This account is locked. Contact your administrator.')
  await clearFailures(deps.db, keys.accountAddress)
  return openSession(deps, user, ctx, 'login', await signInSecret(deps, input.password))
}

const tooMany = (seconds: number) =>
  new ApiError('rate_limited', `Too many failed sign-in attempts. Try again in ${seconds} seconds.`, { retryAfterSeconds: seconds })

/**
 * A sign-in by a token instead of a password: refused while the client address is blocked; a token
 * that finds no user counts against the address like a wrong password; a locked user is refused.
 */
async function signInByToken(deps: Deps, ctx: LoginContext, find: (now: Date) => Promise<User | null>, refusal: string, action: string) {
  const now = deps.clock.now()
  const key = addressKey(ctx.clientAddress)
  const wait = await secondsBlocked(deps.db, [key], now)
  if (wait > 0) throw tooMany(wait)
  const user = await find(now)
  if (!user) {
    await recordFailure(deps.db, key, ADDRESS_POLICY, now)
    throw new ApiError('unauthenticated', refusal)
  }
  if (user.locked || user.disabled) throw ApiError.forbidden('This account is locked or disabled. Contact your administrator.')
  return openSession(deps, user, ctx, action)
}

/** Signs in with a session's deep-link token (kasm_url): valid while that session of that user lives. */
export const loginWithSessionToken = (deps: Deps, input: SessionTokenLoginInput, ctx: LoginContext) =>
  signInByToken(
    deps,
    ctx,
    async () => {
      const [kasm] = await deps.db.select().from(kasms).where(eq(kasms.id, input.kasm_id)).limit(1)
      const given = new TextEncoder().encode(sha256Hex(input.session_token))
      const stored = new TextEncoder().encode(kasm?.sessionTokenHash ?? '0'.repeat(64))
      const live = kasm && LIVE.includes(kasm.status) && kasm.userId === input.user_id
      if (!timingSafeEqual(given, stored) || !live) return null
      const [user] = await deps.db.select().from(users).where(eq(users.id, kasm.userId)).limit(1)
      return user ?? null
    },
    'This session link is not valid (the session may have ended)',
    'login_session_link',
  )

/** Signs in with a one-time link from get_login. */
export const loginWithLink = (deps: Deps, input: LoginLinkInput, ctx: LoginContext) =>
  signInByToken(
    deps,
    ctx,
    (now) => consumeLoginLink(deps.db, input.login_token, now),
    'This sign-in link is not valid (it works once, for a few minutes)',
    'login_link',
  )

/**
 * The password, encrypted, kept with the sign-in for SSO_USERNAME servers (seed 004: the user's own
 * credentials), and only while such a server exists; gone with the sign-in (manager tick, sign-out).
 */
async function signInSecret(deps: Deps, password: string): Promise<string | null> {
  const [sso] = await deps.db.select({ id: servers.id }).from(servers).where(eq(servers.credentialType, 'SSO_USERNAME')).limit(1)
  return sso ? encryptSecret(deps.config.secretKeys, password) : null
}

/** Opens a sign-in session for a user and answers as `login` does (token, user, permissions). */
async function openSession(deps: Deps, user: User, ctx: LoginContext, action: string, signInSecretEnc: string | null = null) {
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + deps.config.sessionTtlSeconds * 1000)
  const session = await deps.db.transaction(async (tx) => {
    const [s] = await tx
      .insert(authSessions)
      .values({
        userId: user.id,
        expiresAt,
        clientAddress: ctx.clientAddress,
        userAgent: ctx.userAgent?.slice(0, 512) ?? null,
        signInSecretEnc,
      })
      .returning()
    if (!s) throw new Error('insert returned no row')
    await tx.update(users).set({ lastSession: now }).where(eq(users.id, user.id))
    await audit(tx, { kind: 'user', userId: user.id, apiKeyId: null, sessionId: s.id, permissions: new Set(), readOnly: false }, action, {
      type: 'user',
      id: user.id,
    })
    return s
  })
  const token = await signSessionToken({ sid: session.id, sub: user.id }, deps.config.sessionSecret, expiresAt)
  const permissions = await userPermissions(deps.db, user.id)
  const caller: Caller = { kind: 'user', userId: user.id, apiKeyId: null, sessionId: session.id, permissions, readOnly: false }
  const view = await viewOf(deps.db, user)
  return {
    token,
    expires_at: expiresAt.toISOString(),
    user_id: view.user_id,
    username: view.username,
    is_admin: can(caller, 'global_admin'),
    permissions: [...permissions].sort(),
    user: view,
  }
}

/** Ends the caller's own sign-in session (API keys have none: nothing to do). */
export async function logout(deps: Deps, caller: Caller) {
  if (caller.sessionId) {
    await deps.db
      .update(authSessions)
      .set({ revokedAt: deps.clock.now(), signInSecretEnc: null })
      .where(and(eq(authSessions.id, caller.sessionId), isNull(authSessions.revokedAt)))
  }
  return {}
}
