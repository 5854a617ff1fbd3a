import { eq } from 'drizzle-orm'
import { kasms, type Kasm } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { can, type Caller } from '../auth/caller'
import { wakeAgentOf } from './await-agent'
import { resolveUserSettings } from '../groups/settings'
import { findKasmFor } from './access'
import { afterUserVerb } from './states'

type Action = 'pause' | 'stop' | 'resume'
const SETTING = { pause: 'allow_kasm_pause', stop: 'allow_kasm_stop' } as const

/**
 * pause_kasm / stop_kasm / resume_kasm: records the wanted state and wakes the agent, which brings
 * the container there and reports back. A user may pause or stop their own session only where
 * their groups allow it (allow_kasm_pause / allow_kasm_stop); sessions_modify may always.
 */
export async function changeKasmState(deps: Deps, caller: Caller, action: Action, input: { kasm_id: string; user_id?: string }) {
  const kasm = await findKasmFor(deps.db, caller, input.kasm_id, input.user_id, 'sessions_modify')
  if (action !== 'resume' && !can(caller, 'sessions_modify')) {
    const settings = await resolveUserSettings(deps.db, kasm.userId)
    if (!settings[SETTING[action]]) throw ApiError.forbidden(`Unauthorized: your groups do not allow you to ${action} sessions`)
  }
  const change = afterUserVerb(kasm, action)
  if (change && 'refused' in change) throw ApiError.conflict(change.refused, 'kasm_id')
  // A resumed session starts a fresh keepalive period, or the next tick would expire it again at once.
  const expiresAt =
    action === 'resume'
      ? new Date(deps.clock.now().getTime() + (await resolveUserSettings(deps.db, kasm.userId)).keepalive_expiration * 1000)
      : kasm.expiresAt
  await deps.db
    .update(kasms)
    .set({ ...change, expiresAt })
    .where(eq(kasms.id, kasm.id))
  await audit(deps.db, caller, `${action}_kasm`, { type: 'kasm', id: kasm.id })
  await wakeAgentOf(deps, kasm)
  return {}
}

/** Deleting one's own session needs allow_kasm_delete (Kasm's rule); sessions_delete may always. */
export async function authorizeDelete(deps: Deps, caller: Caller, kasm: Kasm) {
  if (can(caller, 'sessions_delete')) return
  if (!(await resolveUserSettings(deps.db, kasm.userId)).allow_kasm_delete)
    throw ApiError.forbidden('Unauthorized: your groups do not allow you to delete sessions')
}
