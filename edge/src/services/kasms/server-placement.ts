import { and, asc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { authSessions, connectionProxies, kasms, servers, zones, type DbOrTx, type Image, type Server } from '#schema'
import { ApiError } from '../../errors'
import { LIVE } from './states'

/** A fixed server as the launch sees it: its limits and who already holds sessions on it. */
export type ServerLoad = Pick<
  Server,
  'id' | 'name' | 'enabled' | 'assignedUserId' | 'maxSimultaneousSessions' | 'maxSimultaneousUsers' | 'credentialType'
> & {
  sessions: number
  /** Users with a live session there. */
  users: readonly string[]
}

export type ServerChoice = { ok: true; server: ServerLoad } | { ok: false; reason: string; status: 'conflict' | 'forbidden' }

const plural = (n: number, word: string) => `${n} simultaneous ${word}${n === 1 ? '' : 's'}`

/** Why `userId` cannot have one more session on `s` now, or null when it can (Kasm's two server limits). */
function fullFor(s: ServerLoad, userId: string): string | null {
  if (s.sessions >= s.maxSimultaneousSessions)
    return `The server "${s.name}" is full: it allows ${plural(s.maxSimultaneousSessions, 'session')} (max_simultaneous_sessions)`
  if (!s.users.includes(userId) && s.users.length >= s.maxSimultaneousUsers)
    return `The server "${s.name}" is full: it allows ${plural(s.maxSimultaneousUsers, 'user')} (max_simultaneous_users)`
  return null
}

/**
 * Picks the server a Server or Server Pool workspace launches on (seed 004): a Server workspace's own
 * server; in a pool, the user's assigned server when they have one, else the least loaded enabled
 * server not assigned to someone else. Pure: the caller holds the rows locked while it decides.
 */
export function chooseServer(candidates: readonly ServerLoad[], userId: string, pool: boolean): ServerChoice {
  if (!pool) {
    const s = candidates[0]
    if (!s) return { ok: false, reason: 'The server of this workspace no longer exists', status: 'conflict' }
    if (!s.enabled) return { ok: false, reason: `The server "${s.name}" is disabled`, status: 'conflict' }
    if (s.assignedUserId !== null && s.assignedUserId !== userId)
      return { ok: false, reason: `The server "${s.name}" is assigned to another user`, status: 'forbidden' }
    const full = fullFor(s, userId)
    return full ? { ok: false, reason: full, status: 'conflict' } : { ok: true, server: s }
  }
  const enabled = candidates.filter((s) => s.enabled)
  const own = enabled.filter((s) => s.assignedUserId === userId)
  const open = own.length > 0 ? own : enabled.filter((s) => s.assignedUserId === null)
  if (open.length === 0) return { ok: false, reason: 'No enabled server in this pool is available to you', status: 'conflict' }
  const free = open.filter((s) => fullFor(s, userId) === null)
  if (free.length === 0) {
    const reason = open.length === 1 ? fullFor(open[0]!, userId)! : `Every server in this pool is full (${open.length} servers)`
    return { ok: false, reason, status: 'conflict' }
  }
  const load = (s: ServerLoad) => s.sessions / s.maxSimultaneousSessions
  return { ok: true, server: [...free].sort((a, b) => load(a) - load(b) || a.id.localeCompare(b.id))[0]! }
}

/**
 * Locks the workspace's server (or its pool's servers) and reads their live sessions, in one
 * transaction with the insert that follows: concurrent launches queue on the row locks, so the
 * limits hold exactly (the same rigour as agent placement).
 */
export async function serverCandidates(tx: DbOrTx, image: Image): Promise<{ rows: Server[]; loads: ServerLoad[] }> {
  const where = image.imageType === 'Server Pool' ? eq(servers.poolId, image.serverPoolId!) : eq(servers.id, image.serverId!)
  const rows = await tx.select().from(servers).where(where).orderBy(asc(servers.id)).for('update')
  if (rows.length === 0) return { rows, loads: [] }
  const held = await tx
    .select({ serverId: kasms.serverId, userId: kasms.userId, n: sql<number>`count(*)::int` })
    .from(kasms)
    .where(
      and(
        inArray(
          kasms.serverId,
          rows.map((r) => r.id),
        ),
        inArray(kasms.status, [...LIVE]),
      ),
    )
    .groupBy(kasms.serverId, kasms.userId)
  const loads = rows.map((r) => {
    const mine = held.filter((h) => h.serverId === r.id)
    return {
      ...r,
      sessions: mine.reduce((a, h) => a + h.n, 0),
      users: mine.map((h) => h.userId),
    }
  })
  return { rows, loads }
}

/** Credential types a browser session through the proxy cannot use, with what they would need (seed 004). */
const UNSUPPORTED_CREDENTIALS: Partial<Record<Server['credentialType'], string>> = {
  SSO_CREATE_USER:
    'creates a Windows account for each user (SSO_CREATE_USER), which needs the Kasm Desktop Service on the server; connect with STATIC, SSO_USERNAME or PROMPT_USER credentials instead',
  SMARTCARD:
    'signs in with a smartcard (SMARTCARD), which needs a smartcard reader passed through to the session; browser sessions through the connection proxy have none',
}

/** Refuses a launch on a server whose credential type cannot work, saying what it needs. */
export function checkCredentialType(server: Pick<Server, 'name' | 'credentialType'>): void {
  const needs = UNSUPPORTED_CREDENTIALS[server.credentialType]
  if (needs) throw ApiError.conflict(`The server "${server.name}" ${needs}`, 'image_id')
}

/** A launch needs at least one connection proxy able to take it in the server's zone (seed 000). */
export async function requireProxyInZone(tx: DbOrTx, zoneId: string): Promise<void> {
  const [p] = await tx
    .select({ id: connectionProxies.id })
    .from(connectionProxies)
    .where(
      and(
        eq(connectionProxies.zoneId, zoneId),
        eq(connectionProxies.enabled, true),
        eq(connectionProxies.draining, false),
        eq(connectionProxies.status, 'online'),
      ),
    )
    .limit(1)
  if (p) return
  const [z] = await tx.select({ name: zones.name }).from(zones).where(eq(zones.id, zoneId))
  throw new ApiError('unavailable', `No connection proxy is online in the zone "${z?.name ?? zoneId}" of this server`)
}

/**
 * SSO_USERNAME servers sign in with the user's own password, which only a live password sign-in
 * holds: a user who signed in otherwise (an API key, a session link, SSO) is told at launch, not at connect.
 */
export async function requireSignInSecret(
  tx: DbOrTx,
  server: Pick<Server, 'name' | 'credentialType' | 'useUserPrivateKey' | 'connectionType'>,
  userId: string,
  now: Date,
): Promise<void> {
  if (server.credentialType !== 'SSO_USERNAME' || (server.connectionType === 'SSH' && server.useUserPrivateKey)) return
  const [held] = await tx
    .select({ id: authSessions.id })
    .from(authSessions)
    .where(
      and(
        eq(authSessions.userId, userId),
        isNull(authSessions.revokedAt),
        gt(authSessions.expiresAt, now),
        isNotNull(authSessions.signInSecretEnc),
      ),
    )
    .limit(1)
  if (!held)
    throw ApiError.conflict(
      `The server "${server.name}" signs in with your own password (SSO_USERNAME), and you did not sign in with one: sign in with your username and password to use it`,
      'image_id',
    )
}
