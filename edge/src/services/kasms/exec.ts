import { awaitAgentResult, wakeAgentOf } from './await-agent'
import { and, eq, inArray } from 'drizzle-orm'
import { kasmExecs, kasms, type Agent, type DbOrTx, type ExecCommandKasmInput, type ExecResult } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import type { Caller } from '../auth/caller'
import { kasmId } from '../ids'
import { findKasmFor } from './access'
import { kasmView } from './view'

/** How long exec_command_kasm waits for the agent's answer before replying that it is still running. */
export const EXEC_WAIT_MS = 30_000
const EXEC_POLL_MS = 100

/**
 * Runs a command in the session's container through its agent (work handed out by the next poll,
 * which the wake hint makes immediate) and answers with the exit code and output.
 */
export async function execCommandKasm(deps: Deps, caller: Caller, input: ExecCommandKasmInput) {
  const kasm = await findKasmFor(deps.db, caller, input.kasm_id, input.user_id, 'sessions_modify')
  if (kasm.status !== 'running' || !kasm.agentId) throw ApiError.conflict(`The session is ${kasm.status}, not running`, 'kasm_id')
  // Privileged execs could undo the container's limits: only session admins may ask for them.
  if (input.exec_config.privileged && !caller.permissions.has('global_admin') && !caller.permissions.has('sessions_modify')) {
    throw ApiError.forbidden('Unauthorized: privileged execs need sessions_modify')
  }
  const [exec] = await deps.db.insert(kasmExecs).values({ kasmId: kasm.id, execConfig: input.exec_config }).returning()
  await audit(deps.db, caller, 'exec_command_kasm', { type: 'kasm', id: kasm.id }, { exec_id: exec!.id })
  await wakeAgentOf(deps, kasm)
  const row = await awaitAgentResult(
    deps.clock,
    async () => {
      const [row] = await deps.db.select().from(kasmExecs).where(eq(kasmExecs.id, exec!.id))
      return row && row.status !== 'pending' ? row : undefined
    },
    { timeoutMs: EXEC_WAIT_MS, pollMs: EXEC_POLL_MS },
  )
  // Kasm answers with the session and the time; Oriel adds what the command did.
  const kasmFields = { kasm: kasmView(kasm), current_time: deps.clock.now().toISOString() }
  if (!row) return { exec_id: kasmId(exec!.id), kasm_id: kasmId(kasm.id), status: 'pending', exit_code: null, output: '', ...kasmFields }
  return {
    exec_id: kasmId(row.id),
    kasm_id: kasmId(kasm.id),
    status: row.status,
    exit_code: row.exitCode,
    output: row.output ?? '',
    ...kasmFields,
  }
}

/** Pending execs of the agent's running sessions, for its poll answer. */
export async function pendingExecs(db: DbOrTx, agent: Pick<Agent, 'id'>) {
  const rows = await db
    .select({ exec: kasmExecs })
    .from(kasmExecs)
    .innerJoin(kasms, eq(kasms.id, kasmExecs.kasmId))
    .where(and(eq(kasms.agentId, agent.id), eq(kasms.status, 'running'), eq(kasmExecs.status, 'pending')))
  return rows.map(({ exec }) => ({ exec_id: exec.id, kasm_id: exec.kasmId, ...exec.execConfig }))
}

/** Records results the agent reports; results for other agents' sessions are ignored. */
export async function applyExecResults(db: DbOrTx, agent: Pick<Agent, 'id'>, results: ExecResult[]) {
  if (results.length === 0) return
  const mine = await db
    .select({ id: kasmExecs.id })
    .from(kasmExecs)
    .innerJoin(kasms, eq(kasms.id, kasmExecs.kasmId))
    .where(
      and(
        inArray(
          kasmExecs.id,
          results.map((r) => r.exec_id),
        ),
        eq(kasms.agentId, agent.id),
      ),
    )
  const ok = new Set(mine.map((m) => m.id))
  for (const r of results.filter((r) => ok.has(r.exec_id))) {
    await db
      .update(kasmExecs)
      .set({ status: r.error ? 'error' : 'done', exitCode: r.exit_code, output: r.error ? r.error : r.output, completedAt: new Date() })
      .where(and(eq(kasmExecs.id, r.exec_id), eq(kasmExecs.status, 'pending')))
  }
}
