import { and, desc, eq, inArray, ne } from 'drizzle-orm'
import { agents, images, kasms, users, type Kasm } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { can, type Caller } from '../auth/caller'
import { wakeAgent } from '../agents/wake'
import { resolveUserSettings } from '../groups/settings'
import { iso, kasmId, kasmIdOrNull } from '../ids'
import { findKasmFor, subjectUserId } from './access'
import { authorizeDelete } from './lifecycle'
import type { LaunchSpec } from './launch-spec'
import { streamFor } from './stream-token'

function kasmView(k: Kasm, extra: { username?: string; image_name?: string } = {}) {
  return {
    kasm_id: kasmId(k.id),
    user_id: kasmId(k.userId),
    image_id: kasmId(k.imageId),
    zone_id: kasmIdOrNull(k.zoneId),
    agent_id: kasmIdOrNull(k.agentId),
    status: k.status,
    operational_status: k.status,
    operational_progress: k.operationalProgress,
    operational_message: k.operationalMessage,
    share_id: k.shareId,
    cores: k.cores,
    memory: k.memoryBytes,
    gpus: k.gpus,
    created: iso(k.createdAt),
    started: iso(k.startedAt),
    keepalive_date: iso(k.keepaliveAt),
    expiration_date: iso(k.expiresAt),
    /** Seconds between the keepalives a session view should send. */
    keepalive_interval: (k.launchSpec as Partial<LaunchSpec> | null)?.lifecycle?.keepalive_interval ?? 300,
    /** The profile mode the session launched with; null when it has no persistent profile. */
    persistent_profile_mode: (k.launchSpec as Partial<LaunchSpec> | null)?.persistent_profile_mode ?? null,
    ...extra,
  }
}

/** Where a session is: while starting, its progress; once running, the stream URL and a fresh token. */
export async function getKasmStatus(deps: Deps, caller: Caller, input: { kasm_id: string; user_id?: string }) {
  const kasm = await findKasmFor(deps.db, caller, input.kasm_id, input.user_id, 'sessions_view')
  const view = kasmView(kasm)
  let stream: Awaited<ReturnType<typeof streamFor>> | undefined
  if (kasm.status === 'running' && kasm.agentId) {
    const [agent] = await deps.db.select({ id: agents.id, publicUrl: agents.publicUrl }).from(agents).where(eq(agents.id, kasm.agentId))
    if (agent) stream = await streamFor(deps, kasm, agent)
  }
  return {
    operational_status: kasm.status,
    operational_progress: kasm.operationalProgress,
    operational_message: kasm.operationalMessage,
    current_time: deps.clock.now().toISOString(),
    kasm: { ...view, ...(stream && { stream }) },
  }
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
    .where(and(ne(kasms.status, 'deleted'), userId ? eq(kasms.userId, userId) : undefined))
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
  if (kasm.status === 'deleting') return {}
  const noContainer = kasm.status === 'error' || kasm.agentId === null
  await deps.db
    .update(kasms)
    .set(noContainer ? { status: 'deleted', operationalMessage: 'Deleted' } : { status: 'deleting', operationalMessage: 'Deleting', operationalProgress: 0 })
    .where(eq(kasms.id, kasm.id))
  await audit(deps.db, caller, 'destroy_kasm', { type: 'kasm', id: kasm.id })
  if (!noContainer) {
    const [agent] = await deps.db.select({ id: agents.id, publicUrl: agents.publicUrl }).from(agents).where(eq(agents.id, kasm.agentId!))
    if (agent) wakeAgent(deps, agent)
  }
  return {}
}

/** Pushes the session's expiry out by the user's keepalive_expiration. */
export async function keepalive(deps: Deps, caller: Caller, input: { kasm_id: string; user_id?: string }) {
  const kasm = await findKasmFor(deps.db, caller, input.kasm_id, input.user_id, 'sessions_modify')
  if (!['requested', 'provisioning', 'starting', 'running'].includes(kasm.status)) {
    throw ApiError.conflict(`The session is ${kasm.status}`, 'kasm_id')
  }
  const settings = await resolveUserSettings(deps.db, kasm.userId)
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + settings.keepalive_expiration * 1000)
  await deps.db.update(kasms).set({ keepaliveAt: now, expiresAt }).where(and(eq(kasms.id, kasm.id), inArray(kasms.status, ['requested', 'provisioning', 'starting', 'running'])))
  return { usage_reached: false, expiration_date: expiresAt.toISOString() }
}
