import { and, eq, gt, isNull, sql } from 'drizzle-orm'
import {
  DASHED_UUID_RE,
  apiKeyPermissions,
  apiKeys,
  authSessions,
  groupPermissions,
  isPermission,
  userGroups,
  users,
  type Db,
  type DbOrTx,
  type Permission,
} from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { sha256Hex, timingSafeEqual } from './bytes'
import { prepared } from '../../db/prepared'
import { verifySessionToken } from './tokens'

/** Who is calling: a signed-in user, or an API key (which acts as no user of its own). */
export type Caller = {
  kind: 'user' | 'api_key'
  userId: string | null
  apiKeyId: string | null
  sessionId: string | null
  permissions: ReadonlySet<Permission>
  /** A read-only API key may call read verbs only, whatever it was granted (Kasm's rule). */
  readOnly: boolean
}

/** `global_admin` holds every permission. */
export const can = (caller: Caller, permission: Permission) => caller.permissions.has('global_admin') || caller.permissions.has(permission)

export function authorize(caller: Caller, permission: Permission): void {
  if (!can(caller, permission)) throw ApiError.forbidden()
}

export const isSelf = (caller: Caller, userId: string) => caller.kind === 'user' && caller.userId === userId

/** Nobody grants what they do not hold: stops a groups_modify holder from making themselves admin. */
export function authorizeGrant(caller: Caller, granted: Iterable<string>): void {
  for (const p of granted) {
    if (!isPermission(p) || !can(caller, p)) throw ApiError.forbidden(`Unauthorized: you do not hold the permission ${p}`)
  }
}

/** The union of the permissions of a user's groups. */
export async function userPermissions(db: DbOrTx, userId: string): Promise<Set<Permission>> {
  const rows = await db
    .selectDistinct({ permission: groupPermissions.permission })
    .from(groupPermissions)
    .innerJoin(userGroups, eq(userGroups.groupId, groupPermissions.groupId))
    .where(eq(userGroups.userId, userId))
  return new Set(rows.map((r) => r.permission).filter(isPermission))
}

/** The key with its permissions aggregated, in one round trip. */
const apiKeyQuery = (db: Db) =>
  db
    .select({
      id: apiKeys.id,
      secretHash: apiKeys.secretHash,
      enabled: apiKeys.enabled,
      readOnly: apiKeys.readOnly,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeys.lastUsedAt,
      permissions: sql<
        string[]
      >`coalesce(array_agg(${apiKeyPermissions.permission}) filter (where ${apiKeyPermissions.permission} is not null), '{}')`,
    })
    .from(apiKeys)
    .leftJoin(apiKeyPermissions, eq(apiKeyPermissions.apiKeyId, apiKeys.id))
    .where(eq(apiKeys.apiKey, sql.placeholder('key')))
    .groupBy(apiKeys.id)
    .limit(1)
    .prepare('oriel_api_key_by_key')

/** The live session with its user's state and permissions, in one round trip. */
const sessionQuery = (db: Db) =>
  db
    .select({
      sessionId: authSessions.id,
      userId: users.id,
      username: users.username,
      locked: users.locked,
      disabled: users.disabled,
      permissions: sql<string[]>`coalesce((select array_agg(distinct gp.permission) from ${groupPermissions} gp
        join ${userGroups} ug on ug.group_id = gp.group_id where ug.user_id = ${sql.identifier('users')}.${sql.identifier('id')}), '{}')`,
    })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(
      and(
        eq(authSessions.id, sql.placeholder('sid')),
        eq(authSessions.userId, sql.placeholder('sub')),
        isNull(authSessions.revokedAt),
        gt(authSessions.expiresAt, sql.placeholder('now')),
      ),
    )
    .limit(1)
    .prepare('oriel_session_by_id')

/** `last_used` is written at most once a minute per key, so busy keys do not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000

/** Authenticates `api_key` + `api_key_secret` from a request body. */
export async function callerFromApiKey(deps: Deps, key: string, secret: string): Promise<Caller> {
  const now = deps.clock.now()
  const [row] = await prepared(deps.db, 'oriel_api_key_by_key', apiKeyQuery).execute({ key })
  const given = new TextEncoder().encode(sha256Hex(secret))
  // Compare even when the key is unknown, so response time does not tell which keys exist.
  const stored = new TextEncoder().encode(row?.secretHash ?? '0'.repeat(64))
  if (!timingSafeEqual(given, stored) || !row) throw new ApiError('unauthenticated', 'Invalid API key or secret')
  if (!row.enabled) throw new ApiError('unauthenticated', 'API key is disabled')
  if (row.expiresAt && row.expiresAt <= now) throw new ApiError('unauthenticated', 'API key has expired')
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await deps.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id))
  }
  return {
    kind: 'api_key',
    userId: null,
    apiKeyId: row.id,
    sessionId: null,
    permissions: new Set(row.permissions.filter(isPermission)),
    readOnly: row.readOnly,
  }
}

/**
 * Authenticates a sign-in token (Bearer header, cookie, or Kasm's body `token`) against its live
 * session row. Kasm's UI form also names the user: it must be the token's own.
 */
export async function callerFromSessionToken(deps: Deps, token: string, username?: string): Promise<Caller> {
  const now = deps.clock.now()
  const claims = await verifySessionToken(token, deps.config.sessionSecret, now)
  if (!claims) throw new ApiError('unauthenticated', 'Invalid or expired session token')
  if (!DASHED_UUID_RE.test(claims.sid) || !DASHED_UUID_RE.test(claims.sub))
    throw new ApiError('unauthenticated', 'Invalid or expired session token')
  const [row] = await prepared(deps.db, 'oriel_session_by_id', sessionQuery).execute({ sid: claims.sid, sub: claims.sub, now })
  if (!row) throw new ApiError('unauthenticated', 'Session has ended; sign in again')
  if (row.locked || row.disabled) throw new ApiError('unauthenticated', 'Account is locked or disabled')
  if (username !== undefined && username.toLowerCase() !== row.username.toLowerCase())
    throw new ApiError('unauthenticated', 'The token is not this user’s')
  return {
    kind: 'user',
    userId: row.userId,
    apiKeyId: null,
    sessionId: row.sessionId,
    permissions: new Set(row.permissions.filter(isPermission)),
    readOnly: false,
  }
}
