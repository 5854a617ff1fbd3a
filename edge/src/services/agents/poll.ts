import { and, eq, inArray, notInArray } from 'drizzle-orm'
import { agents, kasms, type Agent, type Kasm, type KasmState, type PollInput, type ReportedSession } from '#schema'
import type { Deps } from '../../deps'
import { pendingExecs } from '../kasms/exec'
import type { LaunchSpec } from '../kasms/launch-spec'
import { decryptSecret } from '../secrets'
import { pendingScreenshots } from '../kasms/screenshot'

/** States in which the agent should have (or be making) a running container. */
const STARTING: KasmState[] = ['requested', 'provisioning', 'starting']
/** Shown while an interrupted launch's container is started again. */
const RESTARTING = 'Starting the desktop again after an interruption'

/**
 * The agent's report of one session, applied to its row. The row holds the *wanted* state for
 * running, paused and stopped sessions; reports only move sessions that are starting, and record
 * failures. Differences between wanted and reported states become poll work instead.
 */
function nextState(kasm: Kasm, r: ReportedSession): Partial<Kasm> | null {
  if (kasm.status === 'deleting') return r.state === 'deleted' ? { status: 'deleted', operationalProgress: 100 } : null
  if (kasm.status === 'deleted' || kasm.status === 'error') return null
  if (r.state === 'error') return { status: 'error', operationalMessage: r.message ?? 'The session failed on its agent' }
  if (r.state === 'deleted') return { status: 'error', operationalMessage: r.message ?? 'The session container disappeared from its agent' }
  if (STARTING.includes(kasm.status)) {
    if (r.state === 'provisioning' || r.state === 'starting') {
      return { status: r.state, operationalProgress: r.progress ?? kasm.operationalProgress, operationalMessage: r.message ?? null, containerId: r.container_id ?? kasm.containerId }
    }
    if (r.state === 'running') return { status: 'running', operationalProgress: 100, operationalMessage: null, containerId: r.container_id ?? kasm.containerId, startedAt: kasm.startedAt ?? new Date() }
    if (r.state === 'exited') return { status: 'error', operationalMessage: r.message ?? 'The session container stopped while starting' }
    // A container whose launch was interrupted (agent restarted, host rebooted) and is not running:
    // pollAgent hands resume work, and the agent reports running or the error that stopped it.
    if (r.state === 'stopped' || r.state === 'paused') return kasm.operationalMessage === RESTARTING ? null : { operationalMessage: RESTARTING }
    return null
  }
  // Wanted state reached: clear the "Pausing…"-style message.
  if (r.state === kasm.status && kasm.operationalMessage !== null) return { operationalMessage: null }
  return null
}

/** Applies reported session states; reports about sessions of other agents are ignored. */
export async function applyReports(deps: Deps, agent: Agent, reports: ReportedSession[]): Promise<Map<string, Kasm>> {
  const ids = reports.map((r) => r.kasm_id)
  const rows = ids.length === 0 ? [] : await deps.db.select().from(kasms).where(and(inArray(kasms.id, ids), eq(kasms.agentId, agent.id)))
  const byId = new Map(rows.map((k) => [k.id, k]))
  for (const r of reports) {
    const kasm = byId.get(r.kasm_id)
    const change = kasm && nextState(kasm, r)
    if (!kasm || !change) continue
    const [updated] = await deps.db.update(kasms).set(change).where(eq(kasms.id, kasm.id)).returning()
    if (updated) byId.set(updated.id, updated)
  }
  return byId
}

/** A session's launch spec as the agent gets it: the registry password decrypted, for this pull only. */
async function createWork(deps: Deps, k: Kasm) {
  const { registry, ...spec } = (k.launchSpec ?? {}) as Partial<LaunchSpec>
  const registry_auth = registry
    ? { serveraddress: registry.server ?? undefined, username: registry.username, password: await decryptSecret(deps.config.secretKeys, registry.password_enc) }
    : null
  return { kasm_id: k.id, ...spec, registry_auth }
}

/** One poll: record resources, apply reports, and answer with the work derived from the database. */
export async function pollAgent(deps: Deps, agent: Agent, input: PollInput) {
  await deps.db
    .update(agents)
    .set({ cores: input.resources.cores, memoryBytes: input.resources.memory_bytes, gpus: input.resources.gpus, images: input.images })
    .where(eq(agents.id, agent.id))
  const known = await applyReports(deps, agent, input.sessions)
  const reported = new Map(input.sessions.map((s) => [s.kasm_id, s.state]))
  const unreported = await deps.db
    .select()
    .from(kasms)
    .where(and(eq(kasms.agentId, agent.id), inArray(kasms.status, [...STARTING, 'running', 'paused', 'stopped']), reported.size > 0 ? notInArray(kasms.id, [...reported.keys()]) : undefined))
  // A session being deleted that its agent no longer lists has no container left: the agent lists a
  // session until its containers are removed, then reports it deleted once. Should that one report
  // be lost, the session would otherwise stay "deleting" for good.
  await deps.db
    .update(kasms)
    .set({ status: 'deleted', operationalProgress: 100 })
    .where(and(eq(kasms.agentId, agent.id), eq(kasms.status, 'deleting'), reported.size > 0 ? notInArray(kasms.id, [...reported.keys()]) : undefined))
  // A paused or stopped session whose container is gone cannot be brought back as it was.
  const lost = unreported.filter((k) => k.status === 'paused' || k.status === 'stopped')
  if (lost.length > 0) {
    await deps.db.update(kasms).set({ status: 'error', operationalMessage: 'The session container disappeared from its agent' }).where(inArray(kasms.id, lost.map((k) => k.id)))
  }
  const wanted = (want: KasmState[], from: string[]) =>
    [...known.values()].filter((k) => want.includes(k.status) && from.includes(reported.get(k.id) ?? '')).map((k) => k.id)
  return {
    work: {
      create: await Promise.all(unreported.filter((k) => !lost.includes(k)).map((k) => createWork(deps, k))),
      // Containers the edge no longer wants: ending sessions, and anything it does not know for this agent.
      destroy: input.sessions
        .filter((s) => s.state !== 'deleted')
        .filter((s) => {
          const k = known.get(s.kasm_id)
          return !k || k.status === 'deleting' || k.status === 'deleted' || k.status === 'error'
        })
        .map((s) => s.kasm_id),
      pause: wanted(['paused'], ['running']),
      stop: wanted(['stopped'], ['running', 'paused']),
      // A session still starting wants to run too: one the agent holds stopped (its launch was cut
      // short) is started again rather than left waiting for the start timeout.
      resume: wanted(['running', ...STARTING], ['paused', 'stopped', 'exited']),
      exec: await pendingExecs(deps.db, agent),
      screenshot: await pendingScreenshots(deps.db, agent),
    },
    poll_after_ms: agent.pollIntervalMs,
  }
}
