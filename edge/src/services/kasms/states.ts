// The session state machine: the named state sets and every transition (the agent's reports, the
// manager's time rules, the user's verbs). Everything else asks here; no other file lists states.
import { KASM_STATES, type Kasm, type KasmState, type ReportedSession } from '#schema'

/** A change to a session's row; null means the event leaves the session as it is. */
export type KasmChange = Partial<Pick<Kasm, 'status' | 'operationalProgress' | 'operationalMessage' | 'containerId' | 'startedAt'>>

/** Launch under way: the agent should have, or be making, the container. */
export const STARTING: readonly KasmState[] = ['requested', 'provisioning', 'starting']
/** Starting or running: keepalives extend it, and the keepalive expiry, time limit and start timeout apply. */
export const ACTIVE: readonly KasmState[] = [...STARTING, 'running']
/** Has, or is getting, a container the user can use or come back to: its agent keeps it, its deep link and share link work. */
export const LIVE: readonly KasmState[] = [...ACTIVE, 'paused', 'stopped']
/** Over: nothing runs and nothing is reserved on its agent ('deleting' still holds its container). */
export const ENDED: readonly KasmState[] = ['deleted', 'error']
/** Every state but deleted: the API still shows the session, and it still ties its user, workspace and agent. */
export const EXISTING: readonly KasmState[] = KASM_STATES.filter((s) => s !== 'deleted')

/** Shown while an interrupted launch's container is started again. */
const RESTARTING = 'Starting the desktop again after an interruption'
const CONTAINER_GONE = 'The session container disappeared from its agent'

/**
 * The agent's report of one session (`null`: the agent no longer lists it). The row holds the
 * *wanted* state for running, paused and stopped sessions; reports only move sessions that are
 * starting, and record failures. Differences between wanted and reported states become poll work
 * instead (`workFor`).
 */
export function afterReport(
  kasm: Pick<Kasm, 'status' | 'operationalMessage' | 'operationalProgress' | 'containerId' | 'startedAt'>,
  r: ReportedSession | null,
  now: Date,
): KasmChange | null {
  if (r === null) return afterUnlisted(kasm.status)
  if (kasm.status === 'deleting') return r.state === 'deleted' ? { status: 'deleted', operationalProgress: 100 } : null
  if (ENDED.includes(kasm.status)) return null
  if (r.state === 'error') return { status: 'error', operationalMessage: r.message ?? 'The session failed on its agent' }
  if (r.state === 'deleted') return { status: 'error', operationalMessage: r.message ?? CONTAINER_GONE }
  if (STARTING.includes(kasm.status)) {
    if (r.state === 'provisioning' || r.state === 'starting') {
      return {
        status: r.state,
        operationalProgress: r.progress ?? kasm.operationalProgress,
        operationalMessage: r.message ?? null,
        containerId: r.container_id ?? kasm.containerId,
      }
    }
    if (r.state === 'running')
      return {
        status: 'running',
        operationalProgress: 100,
        operationalMessage: null,
        containerId: r.container_id ?? kasm.containerId,
        startedAt: kasm.startedAt ?? now,
      }
    if (r.state === 'exited') return { status: 'error', operationalMessage: r.message ?? 'The session container stopped while starting' }
    // A container whose launch was interrupted (agent restarted, host rebooted) and is not running:
    // the poll hands resume work, and the agent reports running or the error that stopped it.
    if (r.state === 'stopped' || r.state === 'paused')
      return kasm.operationalMessage === RESTARTING ? null : { operationalMessage: RESTARTING }
    return null
  }
  // Wanted state reached: clear the "Pausing…"-style message.
  if (r.state === kasm.status && kasm.operationalMessage !== null) return { operationalMessage: null }
  return null
}

/**
 * A session its agent no longer lists. One being deleted has no container left: the agent lists a
 * session until its containers are removed, then reports it deleted once; should that report be
 * lost, the session would otherwise stay "deleting" for good. A paused or stopped one cannot be
 * brought back as it was. A starting or running one is handed to the agent again (create work).
 */
function afterUnlisted(status: KasmState): KasmChange | null {
  if (status === 'deleting') return { status: 'deleted', operationalProgress: 100 }
  if (status === 'paused' || status === 'stopped') return { status: 'error', operationalMessage: CONTAINER_GONE }
  return null
}

/** Poll work that brings an agent's container to the state the edge wants. */
export type ContainerWork = 'destroy' | 'pause' | 'stop' | 'resume'

/**
 * The work for a container the agent reports in `reported`, given the session's wanted state
 * (`undefined`: the edge knows no such session of this agent), or null when none is due.
 */
export function workFor(wanted: KasmState | undefined, reported: ReportedSession['state']): ContainerWork | null {
  if (wanted === undefined || !LIVE.includes(wanted)) return reported === 'deleted' ? null : 'destroy'
  if (wanted === 'paused' && reported === 'running') return 'pause'
  if (wanted === 'stopped' && (reported === 'running' || reported === 'paused')) return 'stop'
  // A session still starting wants to run too: one the agent holds stopped (its launch was cut
  // short) is started again rather than left waiting for the start timeout.
  if (ACTIVE.includes(wanted) && (reported === 'paused' || reported === 'stopped' || reported === 'exited')) return 'resume'
  return null
}

/** A launch no agent has picked up by then is reported as failed rather than left waiting. */
export const START_TIMEOUT_MS = 5 * 60_000

/** The manager's events: its time rules, and a session's agent gone past the grace. */
export type ManagerEvent = 'time_limit' | 'keepalive_expired' | 'start_timeout' | 'agent_gone'

/** A change made to many sessions at once, in SQL: to those in `from`. */
export type BulkRule = { from: readonly KasmState[]; set: KasmChange }

/** The manager's rule for sessions of an agent gone past the grace; a paused or stopped one waits for its agent, whose poll settles it. */
export const AGENT_GONE: BulkRule = {
  from: [...ACTIVE, 'deleting'],
  set: { status: 'deleted', operationalMessage: 'Its agent went offline' },
}
/** delete_agent with force: the agent is forgotten, so nothing will report its sessions again. */
export const AGENT_DELETED: BulkRule = { from: EXISTING, set: { status: 'deleted', operationalMessage: 'Its agent was deleted' } }

/** A bulk rule's change for one session in `status`, or null where it does not apply. */
export const afterBulkRule = (rule: BulkRule, status: KasmState): KasmChange | null => (rule.from.includes(status) ? rule.set : null)

/**
 * Which time rule an active session has reached at `now`, if any; the time limit wins over the
 * keepalive expiry, which wins over the start timeout.
 */
export function dueTimeRule(
  k: Pick<Kasm, 'status' | 'launchSpec' | 'startedAt' | 'expiresAt' | 'createdAt'>,
  now: Date,
): Exclude<ManagerEvent, 'agent_gone'> | null {
  if (!ACTIVE.includes(k.status)) return null
  const limitS = k.launchSpec?.lifecycle.session_time_limit ?? 0
  if (limitS > 0 && k.startedAt !== null && k.startedAt.getTime() + limitS * 1000 <= now.getTime()) return 'time_limit'
  if (k.expiresAt !== null && k.expiresAt <= now) return 'keepalive_expired'
  if (k.status !== 'running' && k.createdAt.getTime() < now.getTime() - START_TIMEOUT_MS) return 'start_timeout'
  return null
}

/**
 * The change a manager event makes, with the keepalive action fixed at launch; null where the
 * rule does not apply. `reason`: why a timed-out launch failed (null while its agent still works on it).
 */
export function afterManagerEvent(
  k: Pick<Kasm, 'status' | 'launchSpec' | 'serverId'>,
  event: ManagerEvent,
  reason: string | null = null,
): KasmChange | null {
  if (event === 'agent_gone') return afterBulkRule(AGENT_GONE, k.status)
  const change = afterTimeRule(k, event, reason)
  // A server session has no container to remove: it ends at once (its proxy closes the connection).
  return change?.status === 'deleting' && k.serverId ? { ...change, status: 'deleted' } : change
}

function afterTimeRule(
  k: Pick<Kasm, 'status' | 'launchSpec'>,
  event: Exclude<ManagerEvent, 'agent_gone'>,
  reason: string | null,
): KasmChange | null {
  if (!ACTIVE.includes(k.status)) return null
  if (event === 'time_limit') return { status: 'deleting', operationalMessage: 'The session reached its time limit' }
  if (event === 'keepalive_expired') {
    // Only a running session can be paused or stopped; one still starting is deleted.
    const action = k.status === 'running' ? (k.launchSpec?.lifecycle.keepalive_expiration_action ?? 'delete') : 'delete'
    const status = ({ delete: 'deleting', pause: 'paused', stop: 'stopped' } as const)[action]
    return { status, operationalMessage: `The session expired without a keepalive (${action})` }
  }
  return k.status !== 'running' && reason !== null ? { status: 'error', operationalMessage: reason } : null
}

/** The user's verbs on a session (pause_kasm, stop_kasm, resume_kasm, destroy_kasm, keepalive). */
export type UserVerb = 'pause' | 'stop' | 'resume' | 'destroy' | 'keepalive'

/** pause, stop and resume record the wanted state, shown with a message until the agent reports it reached. */
const WANT = {
  pause: { from: ['running'], status: 'paused', message: 'Pausing', done: 'paused' },
  stop: { from: ['running', 'paused'], status: 'stopped', message: 'Stopping', done: 'stopped' },
  resume: { from: ['paused', 'stopped'], status: 'running', message: 'Resuming', done: 'resumed' },
} as const satisfies Record<string, { from: readonly KasmState[]; status: KasmState; message: string; done: string }>

/** The states each user verb is allowed from. A deleted session is not found at all. */
export const USER_VERB_FROM: Record<UserVerb, readonly KasmState[]> = {
  pause: WANT.pause.from,
  stop: WANT.stop.from,
  resume: WANT.resume.from,
  destroy: EXISTING,
  keepalive: ACTIVE,
}

/**
 * A user verb on a session: the change it makes, null when there is nothing to do (destroying a
 * session already being deleted; a keepalive, which moves only the expiry), or why it is refused.
 */
export function afterUserVerb(
  kasm: Pick<Kasm, 'status' | 'agentId' | 'serverId'>,
  verb: UserVerb,
): KasmChange | null | { refused: string } {
  if (!USER_VERB_FROM[verb].includes(kasm.status)) {
    if (verb === 'keepalive' || verb === 'destroy') return { refused: `The session is ${kasm.status}` }
    return { refused: `A ${kasm.status} session cannot be ${WANT[verb].done}` }
  }
  if (verb === 'keepalive') return null
  if (verb === 'destroy') {
    if (kasm.status === 'deleting') return null
    // No container to remove: a failed session, or one never placed.
    if (kasm.status === 'error' || kasm.agentId === null) return { status: 'deleted', operationalMessage: 'Deleted' }
    return { status: 'deleting', operationalMessage: 'Deleting', operationalProgress: 0 }
  }
  // A server session reaches the wanted state at once: its proxy ends the connection at its next
  // heartbeat, and resuming lets the browser connect again (RDP and VNC desktops carry on; SSH starts afresh, seed 004).
  if (kasm.serverId) return { status: WANT[verb].status, operationalMessage: null }
  return { status: WANT[verb].status, operationalMessage: WANT[verb].message }
}
