import { EDGE_TOKEN_TTL_S, type Agent, type Kasm, type ContainerStreamView } from '#schema'
import type { Deps } from '../../deps'
import { signForMember } from '../fleet/edge-key'
import type { DlpFlags } from './launch-spec'
import { memberUrl } from '../fleet/endpoint'

export const STREAM_TOKEN_TTL_S = EDGE_TOKEN_TTL_S.stream

export const NOTHING_MOVES: DlpFlags = { clipboard_up: false, clipboard_down: false, uploads: false, downloads: false, printing: false }

/**
 * What someone a session is shared with may move in and out of it: the owner's flags when the
 * owner's groups give viewers full control (shared_session_full_control), else nothing.
 */
export const viewerDlp = (owner: DlpFlags | undefined, fullControl: boolean): DlpFlags | undefined => (fullControl ? owner : NOTHING_MOVES)

/** Someone other than the session's owner watching it through its share link (join_kasm). */
export type StreamViewer = { userId: string; fullControl: boolean }

/**
 * The token a browser presents to the agent's gateway (docs/protocol.md#stream-tokens): signed by the edge key, for
 * this agent only, naming the user, the session and the DLP flags the gateway enforces. A viewer
 * without full control gets `view_only`, so the gateway drops their keyboard, mouse and clipboard.
 */
export async function streamFor(
  deps: Deps,
  kasm: Kasm,
  agent: Pick<Agent, 'id' | 'publicUrl'>,
  viewer?: StreamViewer,
): Promise<ContainerStreamView> {
  // Every session the edge places has a launch spec; one without could only be refused, so nothing moves.
  const ownerDlp = kasm.launchSpec?.dlp
  const dlp = (viewer ? viewerDlp(ownerDlp, viewer.fullControl) : ownerDlp) ?? NOTHING_MOVES
  const viewOnly = viewer !== undefined && !viewer.fullControl
  const now = deps.clock.now()
  const token = await signForMember(deps, agent.id, 'stream', {
    sub: viewer?.userId ?? kasm.userId,
    kasm_id: kasm.id,
    dlp,
    view_only: viewOnly,
  })
  const ws = memberUrl(agent.publicUrl, `/kasm/${kasm.id}/vnc`, { ws: true })
  return {
    kind: 'container',
    url: ws.toString(),
    files_url: memberUrl(agent.publicUrl, `/kasm/${kasm.id}/files`).toString(),
    token,
    expires: new Date(now.getTime() + STREAM_TOKEN_TTL_S * 1000).toISOString(),
    /** For the dashboard to offer only what is allowed; the gateway enforces the flags in the token. */
    dlp,
  }
}
