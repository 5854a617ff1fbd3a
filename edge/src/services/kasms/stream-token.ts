import type { Agent, Kasm } from '#schema'
import type { Deps } from '../../deps'
import { signEdgeJwt } from '../agents/edge-key'
import type { DlpFlags } from './launch-spec'

/** Short: the browser asks get_kasm_status for a fresh one whenever it (re)connects. */
export const STREAM_TOKEN_TTL_S = 300

/**
 * The token a browser presents to the agent's gateway (DESIGN §4): signed by the edge key, for
 * this agent only, naming the user, the session and the DLP flags the gateway enforces.
 */
export async function streamFor(deps: Deps, kasm: Kasm, agent: Pick<Agent, 'id' | 'publicUrl'>) {
  const dlp = (kasm.launchSpec as { dlp?: DlpFlags } | null)?.dlp
  const now = deps.clock.now()
  const token = await signEdgeJwt(
    deps.config.signingKey,
    { typ: 'stream', sub: kasm.userId, kasm_id: kasm.id, dlp },
    { audience: agent.id, ttlSeconds: STREAM_TOKEN_TTL_S, now },
  )
  const base = new URL(agent.publicUrl)
  const ws = new URL(`/kasm/${kasm.id}/vnc`, base)
  ws.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:'
  return {
    url: ws.toString(),
    files_url: new URL(`/kasm/${kasm.id}/files`, base).toString(),
    token,
    expires: new Date(now.getTime() + STREAM_TOKEN_TTL_S * 1000).toISOString(),
    /** For the dashboard to offer only what is allowed; the gateway enforces the flags in the token. */
    dlp,
  }
}
