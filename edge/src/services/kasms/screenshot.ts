import { awaitAgentResult, wakeAgentOf } from './await-agent'
import { and, eq, lt } from 'drizzle-orm'
import { kasms, kasmScreenshots, type Agent, type DbOrTx } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { base64ToBytes } from '../auth/bytes'
import { findKasmFor } from './access'

const SCREENSHOT_WAIT_MS = 15_000
const POLL_MS = 100

/**
 * get_kasm_screenshot: asks the session's agent (through its next poll, made immediate by a wake
 * hint) for a JPEG of the framebuffer, and answers with the image. Needs sessions_view for others'.
 */
export async function getKasmScreenshot(
  deps: Deps,
  caller: Parameters<typeof findKasmFor>[1],
  input: { kasm_id: string; user_id?: string; width: number },
): Promise<Uint8Array<ArrayBuffer>> {
  const kasm = await findKasmFor(deps.db, caller, input.kasm_id, input.user_id, 'sessions_view')
  if (kasm.status !== 'running' || !kasm.agentId) throw ApiError.conflict(`The session is ${kasm.status}, not running`, 'kasm_id')
  const [req] = await deps.db.insert(kasmScreenshots).values({ kasmId: kasm.id, width: input.width }).returning()
  await wakeAgentOf(deps, kasm)
  try {
    const jpeg = await awaitAgentResult(
      deps.clock,
      async () => {
        const [row] = await deps.db.select().from(kasmScreenshots).where(eq(kasmScreenshots.id, req!.id))
        if (row?.status === 'error') throw new ApiError('unavailable', `The screenshot failed: ${row.error ?? 'unknown error'}`)
        return row?.status === 'done' && row.jpegBase64 ? base64ToBytes(row.jpegBase64) : undefined
      },
      { timeoutMs: SCREENSHOT_WAIT_MS, pollMs: POLL_MS },
    )
    if (!jpeg) throw new ApiError('unavailable', 'The agent did not send the screenshot in time')
    return jpeg
  } finally {
    await deps.db.delete(kasmScreenshots).where(eq(kasmScreenshots.id, req!.id))
  }
}

/** Pending screenshot requests for the agent's running sessions. */
export async function pendingScreenshots(db: DbOrTx, agent: Pick<Agent, 'id'>) {
  const rows = await db
    .select({ id: kasmScreenshots.id, kasmId: kasmScreenshots.kasmId, width: kasmScreenshots.width })
    .from(kasmScreenshots)
    .innerJoin(kasms, eq(kasms.id, kasmScreenshots.kasmId))
    .where(and(eq(kasms.agentId, agent.id), eq(kasms.status, 'running'), eq(kasmScreenshots.status, 'pending')))
  return rows.map((r) => ({ request_id: r.id, kasm_id: r.kasmId, width: r.width }))
}

/** Stores what the agent captured, for a request of one of its own sessions. */
export async function applyScreenshot(
  db: DbOrTx,
  agent: Pick<Agent, 'id'>,
  r: { request_id: string; jpeg_base64?: string; error?: string },
) {
  const [mine] = await db
    .select({ id: kasmScreenshots.id })
    .from(kasmScreenshots)
    .innerJoin(kasms, eq(kasms.id, kasmScreenshots.kasmId))
    .where(and(eq(kasmScreenshots.id, r.request_id), eq(kasms.agentId, agent.id), eq(kasmScreenshots.status, 'pending')))
  if (!mine) return
  await db
    .update(kasmScreenshots)
    .set(r.jpeg_base64 ? { status: 'done', jpegBase64: r.jpeg_base64 } : { status: 'error', error: r.error ?? 'no image' })
    .where(eq(kasmScreenshots.id, mine.id))
}

/** Requests nobody waits for any more (the edge restarted mid-wait). */
export async function pruneScreenshots(db: DbOrTx, now: Date) {
  await db.delete(kasmScreenshots).where(lt(kasmScreenshots.createdAt, new Date(now.getTime() - 5 * 60_000)))
}
