import { and, asc, eq, inArray, notInArray } from 'drizzle-orm'
import { agents, kasms, type Agent, type UpdateAgentInput } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { iso, kasmId } from '../ids'
import { AGENT_DELETED, ENDED } from '../kasms/states'

function agentView(a: Agent) {
  return {
    agent_id: kasmId(a.id),
    zone_id: kasmId(a.zoneId),
    name: a.name,
    public_url: a.publicUrl,
    status: a.status,
    enabled: a.enabled,
    draining: a.draining,
    last_seen: iso(a.lastSeenAt),
    cores: a.cores,
    memory: a.memoryBytes,
    gpus: a.gpus,
    cores_override: a.coresOverride,
    memory_override: a.memoryOverrideBytes,
    gpus_override: a.gpusOverride,
    labels: a.labels,
    images: a.images,
    version: a.version,
  }
}

export async function listAgents(deps: Deps, caller: Caller) {
  authorize(caller, 'agents_view')
  return { agents: (await deps.db.select().from(agents).orderBy(asc(agents.name))).map(agentView) }
}

export async function updateAgent(deps: Deps, caller: Caller, t: UpdateAgentInput) {
  authorize(caller, 'agents_modify')
  const [a] = await deps.db
    .update(agents)
    .set({
      ...(t.enabled !== undefined && { enabled: t.enabled }),
      ...(t.draining !== undefined && { draining: t.draining }),
      ...(t.cores_override !== undefined && { coresOverride: t.cores_override }),
      ...(t.memory_override !== undefined && { memoryOverrideBytes: t.memory_override }),
      ...(t.gpus_override !== undefined && { gpusOverride: t.gpus_override }),
      ...(t.labels !== undefined && { labels: t.labels }),
    })
    .where(eq(agents.id, t.agent_id))
    .returning()
  if (!a) throw ApiError.notFound('Agent', 'target_agent.agent_id')
  await audit(deps.db, caller, 'update_agent', { type: 'agent', id: a.id })
  return { agent: agentView(a) }
}

/** Forgets an agent (it must enrol again). Refused while it holds sessions, unless `force` ends them. */
export async function deleteAgent(deps: Deps, caller: Caller, agentId: string, force: boolean) {
  authorize(caller, 'agents_delete')
  await deps.db.transaction(async (tx) => {
    const [a] = await tx.select().from(agents).where(eq(agents.id, agentId)).for('update')
    if (!a) throw ApiError.notFound('Agent', 'target_agent.agent_id')
    const live = await tx
      .select({ id: kasms.id })
      .from(kasms)
      .where(and(eq(kasms.agentId, a.id), notInArray(kasms.status, [...ENDED])))
    if (live.length > 0 && !force)
      throw ApiError.conflict(`Agent holds ${live.length} session(s); drain it first or pass force: true`, 'force')
    await tx
      .update(kasms)
      .set(AGENT_DELETED.set)
      .where(and(eq(kasms.agentId, a.id), inArray(kasms.status, [...AGENT_DELETED.from])))
    await tx.delete(agents).where(eq(agents.id, a.id))
    await audit(tx, caller, 'delete_agent', { type: 'agent', id: a.id }, { sessions_ended: live.length })
  })
  return {}
}
