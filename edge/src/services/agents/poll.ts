import { and, eq, inArray, notInArray } from 'drizzle-orm'
import { agents, kasms, type Agent, type Kasm, type KasmState, type PollInput, type ReportedSession } from '#schema'
import type { Deps } from '../../deps'
import { pendingExecs } from '../kasms/exec'

/** States in which the agent should have (or be making) the container. */
const WANTED: KasmState[] = ['requested', 'provisioning', 'starting', 'running']

/** The agent's report of one session, applied to the session row it owns. */
function nextState(kasm: Kasm, r: ReportedSession): Partial<Kasm> | null {
  if (kasm.status === 'deleting' || kasm.status === 'deleted') {
    return r.state === 'deleted' && kasm.status === 'deleting' ? { status: 'deleted', operationalProgress: 100 } : null
  }
  if (kasm.status === 'error') return null
  switch (r.state) {
    case 'provisioning':
    case 'starting':
      return { status: r.state, operationalProgress: r.progress ?? kasm.operationalProgress, operationalMessage: r.message ?? null, containerId: r.container_id ?? kasm.containerId }
    case 'running':
      return kasm.status === 'running' ? null : { status: 'running', operationalProgress: 100, operationalMessage: null, containerId: r.container_id ?? kasm.containerId, startedAt: kasm.startedAt ?? new Date() }
    case 'exited':
    case 'error':
      return { status: 'error', operationalMessage: r.message ?? 'The session container stopped' }
    case 'deleted':
      return { status: 'error', operationalMessage: r.message ?? 'The session container disappeared from its agent' }
  }
}

/** Applies reported session states; reports about sessions of other agents are ignored. */
export async function applyReports(deps: Deps, agent: Agent, reports: ReportedSession[]): Promise<Map<string, Kasm>> {
  const ids = reports.map((r) => r.kasm_id)
  const rows = ids.length === 0 ? [] : await deps.db.select().from(kasms).where(and(inArray(kasms.id, ids), eq(kasms.agentId, agent.id)))
  const byId = new Map(rows.map((k) => [k.id, k]))
  for (const r of reports) {
    const kasm = byId.get(r.kasm_id)
    if (!kasm) continue
    const change = nextState(kasm, r)
    if (!change) continue
    const [updated] = await deps.db.update(kasms).set(change).where(eq(kasms.id, kasm.id)).returning()
    if (updated) byId.set(updated.id, updated)
  }
  return byId
}

/** One poll: record resources, apply reports, and answer with the work derived from the database. */
export async function pollAgent(deps: Deps, agent: Agent, input: PollInput) {
  await deps.db
    .update(agents)
    .set({ cores: input.resources.cores, memoryBytes: input.resources.memory_bytes, gpus: input.resources.gpus, images: input.images })
    .where(eq(agents.id, agent.id))
  const known = await applyReports(deps, agent, input.sessions)
  const reported = new Set(input.sessions.map((s) => s.kasm_id))
  const toCreate = await deps.db
    .select()
    .from(kasms)
    .where(and(eq(kasms.agentId, agent.id), inArray(kasms.status, WANTED), reported.size > 0 ? notInArray(kasms.id, [...reported]) : undefined))
  // Containers the edge no longer wants: ending sessions, and anything it does not know for this agent.
  const toDestroy = input.sessions
    .filter((s) => s.state !== 'deleted')
    .filter((s) => {
      const k = known.get(s.kasm_id)
      return !k || k.status === 'deleting' || k.status === 'deleted' || k.status === 'error'
    })
    .map((s) => s.kasm_id)
  return {
    work: {
      create: toCreate.map((k) => ({ kasm_id: k.id, ...(k.launchSpec ?? {}) })),
      destroy: toDestroy,
      exec: await pendingExecs(deps.db, agent),
    },
    poll_after_ms: agent.pollIntervalMs,
  }
}
