import { and, desc, eq, inArray } from 'drizzle-orm'
import { agents, images, kasms, users, type Kasm, type StreamView } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { randomToken, sha256Hex } from '../auth/bytes'
import { can, userPermissions, type Caller } from '../auth/caller'
import { wakeAgentOf } from './await-agent'
import { resolveUserSettings } from '../groups/settings'
import { findKasmFor, subjectUserId } from './access'
import { deepLink } from './deep-link'
import { authorizeDelete } from './lifecycle'
import { serverStreamFor } from './server-connect'
import { afterUserVerb, EXISTING, LIVE, USER_VERB_FROM } from './states'
import { streamFor } from './stream-token'
import { kasmView } from './view'

/**
 * Where a session is: while starting, its progress; once running, the stream URL and a fresh token.
 * As in Kasm, a caller who may act as the owner also gets a fresh `kasm_url` (deep link), whose new
 * session token replaces the previous one. Oriel reads the state from the database, never asking the
 * agent, so Kasm's `skip_agent_check` is always in effect.
 */
export async function getKasmStatus(deps: Deps, caller: Caller, input: { kasm_id: string; user_id?: string }) {
  const kasm = await findKasmFor(deps.db, caller, input.kasm_id, input.user_id, 'sessions_view')
  const view = kasmView(kasm)
  let stream: StreamView | undefined
  let problem: string | undefined
  if (kasm.status === 'running' && kasm.agentId) {
    const [agent] = await deps.db.select({ id: agents.id, publicUrl: agents.publicUrl }).from(agents).where(eq(agents.id, kasm.agentId))
    if (agent) stream = await streamFor(deps, kasm, agent)
  } else if (kasm.status === 'running' && kasm.serverId) {
    const found = await serverStreamFor(deps, kasm)
    if ('stream' in found) stream = found.stream
    else problem = found.problem
  }
  const link = LIVE.includes(kasm.status) && (await mayActAsOwner(deps, caller, kasm)) ? await rotateSessionToken(deps, kasm) : null
  return {
    operational_status: kasm.status,
    operational_progress: kasm.operationalProgress,
    operational_message: problem ?? kasm.operationalMessage,
    current_time: deps.clock.now().toISOString(),
    ...(link && { kasm_url: link.kasm_url, session_token: link.session_token }),
    kasm: { ...view, ...(stream && { stream }) },
  }
}

/** The owner, or a caller allowed to sign in as them (users_auth_session, and users_modify_admin for an admin). */
async function mayActAsOwner(deps: Deps, caller: Caller, kasm: Kasm): Promise<boolean> {
  if (caller.userId === kasm.userId) return true
  if (!can(caller, 'users_auth_session') || !can(caller, 'user')) return false
  return can(caller, 'users_modify_admin') || !(await userPermissions(deps.db, kasm.userId)).has('global_admin')
}

/** A new deep-link token for the session; the previous one stops working. */
async function rotateSessionToken(deps: Deps, kasm: Kasm) {
  const sessionToken = randomToken(32)
  await deps.db
    .update(kasms)
    .set({ sessionTokenHash: sha256Hex(sessionToken) })
    .where(eq(kasms.id, kasm.id))
  return { session_token: sessionToken, kasm_url: deepLink(kasm.id, kasm.userId, sessionToken) }
}

/** The caller's own live sessions (or the user's they act for); all of them with sessions_view. */
export async function listKasms(deps: Deps, caller: Caller, input: { user_id?: string }) {
  const all = can(caller, 'sessions_view') && input.user_id === undefined
  const userId = all ? null : subjectUserId(caller, input.user_id)
  const rows = await deps.db
    .select({ kasm: kasms, username: users.username, imageName: images.friendlyName })
    .from(kasms)
    .innerJoin(users, eq(users.id, kasms.userId))
    .innerJoin(images, eq(images.id, kasms.imageId))
    .where(and(inArray(kasms.status, [...EXISTING]), userId ? eq(kasms.userId, userId) : undefined))
    .orderBy(desc(kasms.createdAt))
  return {
    kasms: rows.map((r) => kasmView(r.kasm, { username: r.username, image_name: r.imageName })),
    current_time: deps.clock.now().toISOString(),
  }
}

/** Marks the session for deletion and wakes its agent, which removes the container and reports back. */
export async function destroyKasm(deps: Deps, caller: Caller, input: { kasm_id: string; user_id?: string }) {
  const kasm = await findKasmFor(deps.db, caller, input.kasm_id, input.user_id, 'sessions_delete')
  await authorizeDelete(deps, caller, kasm)
  const change = afterUserVerb(kasm, 'destroy')
  if (change && 'refused' in change) throw ApiError.conflict(change.refused, 'kasm_id')
  if (!change) return {}
  await deps.db.update(kasms).set(change).where(eq(kasms.id, kasm.id))
  await audit(deps.db, caller, 'destroy_kasm', { type: 'kasm', id: kasm.id })
  if (change.status === 'deleting') await wakeAgentOf(deps, kasm)
  return {}
}

/** Pushes the session's expiry out by the user's keepalive_expiration. */
export async function keepalive(deps: Deps, caller: Caller, input: { kasm_id: string; user_id?: string }) {
  const kasm = await findKasmFor(deps.db, caller, input.kasm_id, input.user_id, 'sessions_modify')
  const refusal = afterUserVerb(kasm, 'keepalive')
  if (refusal && 'refused' in refusal) throw ApiError.conflict(refusal.refused, 'kasm_id')
  const settings = await resolveUserSettings(deps.db, kasm.userId)
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + settings.keepalive_expiration * 1000)
  await deps.db
    .update(kasms)
    .set({ keepaliveAt: now, expiresAt })
    .where(and(eq(kasms.id, kasm.id), inArray(kasms.status, [...USER_VERB_FROM.keepalive])))
  return { usage_reached: false, expiration_date: expiresAt.toISOString() }
}
