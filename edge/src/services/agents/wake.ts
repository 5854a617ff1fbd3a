import { eq } from 'drizzle-orm'
import { agents, type Agent, type Kasm } from '#schema'
import type { Deps } from '../../deps'
import { signEdgeJwt } from './edge-key'

/** A wake hint is only a nudge to poll now, so it may be short-lived and is never retried. */
const WAKE_TTL_S = 30
const WAKE_TIMEOUT_MS = 2_000

/**
 * Sends the agent a signed, payload-free wake hint (DESIGN §1), after the response. The agent
 * verifies it with the edge's public key and polls at once; losing it only delays work to the next poll.
 */
export function wakeAgent(deps: Deps, agent: Pick<Agent, 'id' | 'publicUrl'>): void {
  deps.defer(
    (async () => {
      const token = await signEdgeJwt(
        deps.config.signingKey,
        { typ: 'wake' },
        { audience: agent.id, ttlSeconds: WAKE_TTL_S, now: deps.clock.now() },
      )
      await fetch(new URL('/wake', agent.publicUrl), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(WAKE_TIMEOUT_MS),
      })
    })(),
  )
}

/** Wakes the agent a session is placed on, if it has one that still exists. */
export async function wakeAgentOf(deps: Deps, kasm: Pick<Kasm, 'agentId'>): Promise<void> {
  if (!kasm.agentId) return
  const [agent] = await deps.db.select({ id: agents.id, publicUrl: agents.publicUrl }).from(agents).where(eq(agents.id, kasm.agentId))
  if (agent) wakeAgent(deps, agent)
}
