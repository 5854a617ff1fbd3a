import { eq } from 'drizzle-orm'
import { agents, type Kasm } from '#schema'
import type { Clock } from '../../clock'
import type { Deps } from '../../deps'
import { wakeMember } from '../fleet/wake'

/** Wakes the agent a session is placed on, if it has one that still exists. */
export async function wakeAgentOf(deps: Deps, kasm: Pick<Kasm, 'agentId'>): Promise<void> {
  if (!kasm.agentId) return
  const [agent] = await deps.db.select({ id: agents.id, publicUrl: agents.publicUrl }).from(agents).where(eq(agents.id, kasm.agentId))
  if (agent) wakeMember(deps, agent)
}

/**
 * Polls `check` until it answers (anything but undefined), or until `timeoutMs` has passed on
 * `clock`; answers undefined on timeout. Sleeps between polls are real: the agent answers in real
 * time. Their count bounds the wait too, so a clock that stands still (a test's) cannot hold a
 * request for good; on the system clock the deadline always comes first.
 */
export async function awaitAgentResult<T>(
  clock: Clock,
  check: () => Promise<T | undefined>,
  o: { timeoutMs: number; pollMs: number },
): Promise<T | undefined> {
  const deadline = clock.now().getTime() + o.timeoutMs
  for (let sleeps = 0; ; sleeps++) {
    const result = await check()
    if (result !== undefined) return result
    if (clock.now().getTime() > deadline || sleeps * o.pollMs >= o.timeoutMs) return undefined
    await new Promise((r) => setTimeout(r, o.pollMs))
  }
}
