import { and, eq, inArray, notInArray } from 'drizzle-orm'
import {
  agents,
  kasms,
  type Agent,
  type CreateWork,
  type Kasm,
  type LaunchSpec,
  type PollAnswer,
  type PollInput,
  type ReportedSession,
} from '#schema'
import type { Deps } from '../../deps'
import { pendingExecs } from '../kasms/exec'
import { decryptSecret } from '../secrets'
import { pendingScreenshots } from '../kasms/screenshot'
import { afterReport, ENDED, workFor, type ContainerWork } from '../kasms/states'

/** Applies reported session states; reports about sessions of other agents are ignored. */
export async function applyReports(deps: Deps, agent: Agent, reports: ReportedSession[]): Promise<Map<string, Kasm>> {
  const ids = reports.map((r) => r.kasm_id)
  const rows =
    ids.length === 0
      ? []
      : await deps.db
          .select()
          .from(kasms)
          .where(and(inArray(kasms.id, ids), eq(kasms.agentId, agent.id)))
  const byId = new Map(rows.map((k) => [k.id, k]))
  for (const r of reports) {
    const kasm = byId.get(r.kasm_id)
    const change = kasm && afterReport(kasm, r, deps.clock.now())
    if (!kasm || !change) continue
    const [updated] = await deps.db.update(kasms).set(change).where(eq(kasms.id, kasm.id)).returning()
    if (updated) byId.set(updated.id, updated)
  }
  return byId
}

/**
 * A session's launch spec as the agent gets it: the registry password decrypted, for this pull only.
 * Every session the edge places has a spec (request.ts writes it with the placement); a row without
 * one cannot be built, so it gets no work and times out with its reason.
 */
async function createWork(deps: Deps, k: Kasm & { launchSpec: LaunchSpec }): Promise<CreateWork> {
  const { registry, ...spec } = k.launchSpec
  const registry_auth = registry
    ? {
        serveraddress: registry.server ?? undefined,
        username: registry.username,
        password: await decryptSecret(deps.config.secretKeys, registry.password_enc),
      }
    : null
  return { kasm_id: k.id, ...spec, registry_auth }
}
const hasSpec = (k: Kasm): k is Kasm & { launchSpec: LaunchSpec } => k.launchSpec !== null

/**
 * One poll: record resources, apply reports, and answer with the work derived from the database.
 * The answer is checked against the contract the agent reads (`PollAnswer` in #schema).
 */
export async function pollAgent(deps: Deps, agent: Agent, input: PollInput): Promise<PollAnswer> {
  await deps.db
    .update(agents)
    .set({ cores: input.resources.cores, memoryBytes: input.resources.memory_bytes, gpus: input.resources.gpus, images: input.images })
    .where(eq(agents.id, agent.id))
  const known = await applyReports(deps, agent, input.sessions)
  const reported = new Map(input.sessions.map((s) => [s.kasm_id, s.state]))
  const now = deps.clock.now()
  const unlisted = await deps.db
    .select()
    .from(kasms)
    .where(
      and(
        eq(kasms.agentId, agent.id),
        notInArray(kasms.status, [...ENDED]),
        reported.size > 0 ? notInArray(kasms.id, [...reported.keys()]) : undefined,
      ),
    )
  // What becomes of a session its agent no longer lists is a state rule; one left as it was is created again.
  const create: Kasm[] = []
  for (const k of unlisted) {
    const change = afterReport(k, null, now)
    if (change) await deps.db.update(kasms).set(change).where(eq(kasms.id, k.id))
    else create.push(k)
  }
  const due = (work: ContainerWork) => [...known.values()].filter((k) => workFor(k.status, reported.get(k.id)!) === work).map((k) => k.id)
  return {
    work: {
      create: await Promise.all(create.filter(hasSpec).map((k) => createWork(deps, k))),
      // Containers the edge no longer wants: ending sessions, and anything it does not know for this agent.
      destroy: input.sessions.filter((s) => workFor(known.get(s.kasm_id)?.status, s.state) === 'destroy').map((s) => s.kasm_id),
      pause: due('pause'),
      stop: due('stop'),
      resume: due('resume'),
      exec: await pendingExecs(deps.db, agent),
      screenshot: await pendingScreenshots(deps.db, agent),
    },
    poll_after_ms: agent.pollIntervalMs,
  } satisfies PollAnswer
}
