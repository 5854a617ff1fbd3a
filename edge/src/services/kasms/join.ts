import { and, eq, inArray } from 'drizzle-orm'
import { agents, images, kasms, users, type JoinKasmInput } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import type { Caller } from '../auth/caller'
import { resolveUserSettings } from '../groups/settings'
import { memberEndpoint } from '../fleet/endpoint'
import { kasmId } from '../ids'
import { findUser } from '../users/lookup'
import { subjectUserId } from './access'
import { LIVE } from './states'
import { streamFor, viewerDlp } from './stream-token'

/** Kasm's hostname, host, port and port_map, read off the stream's own URL. */
function joinEndpoint(streamUrl: string) {
  const { hostname, port, path } = memberEndpoint(streamUrl)
  return { hostname, host: hostname, port, port_map: { vnc: { port, path } } }
}

/**
 * `join_kasm`: opens someone's shared session (its share link, `/#/join/<share_id>`) for the
 * caller, or for the user an API key acts for. Viewers only watch unless the owner's groups set
 * shared_session_full_control; the owner opening their own link has full control. The answer
 * carries a stream token of the viewer's own, never the owner's session token or VNC password.
 */
export async function joinKasm(deps: Deps, caller: Caller, input: JoinKasmInput) {
  const joinerId = subjectUserId(caller, input.user_id)
  // The schema guarantees one of the two names (Kasm's clients disagree on which).
  const shareId = (input.share_id ?? input.shared_id)!
  const joiner = await findUser(deps.db, joinerId, 'user_id')
  if (joiner.locked || joiner.disabled) throw ApiError.forbidden('This account is locked or disabled')
  const [row] = await deps.db
    .select({ kasm: kasms, owner: users.username, image: images })
    .from(kasms)
    .innerJoin(users, eq(users.id, kasms.userId))
    .innerJoin(images, eq(images.id, kasms.imageId))
    .where(and(eq(kasms.shareId, shareId), inArray(kasms.status, [...LIVE])))
    .limit(1)
  if (!row) throw ApiError.notFound('Session', 'share_id')
  const { kasm, image } = row
  const fullControl = kasm.userId === joiner.id || (await resolveUserSettings(deps.db, kasm.userId)).shared_session_full_control
  const ownerDlp = kasm.launchSpec?.dlp
  const dlp = viewerDlp(ownerDlp, fullControl)

  let stream: Awaited<ReturnType<typeof streamFor>> | undefined
  if (kasm.status === 'running' && kasm.agentId) {
    const [agent] = await deps.db.select({ id: agents.id, publicUrl: agents.publicUrl }).from(agents).where(eq(agents.id, kasm.agentId))
    if (agent) stream = await streamFor(deps, kasm, agent, { userId: joiner.id, fullControl })
  }
  await audit(deps.db, caller, 'join_kasm', { type: 'kasm', id: kasm.id }, { user_id: kasmId(joiner.id), view_only: !fullControl })
  return {
    current_time: deps.clock.now().toISOString(),
    user_id: kasmId(joiner.id),
    username: joiner.username,
    share_id: shareId,
    kasm_url: `/#/join/${shareId}`,
    kasm: {
      kasm_id: kasmId(kasm.id),
      share_id: shareId,
      user: { username: row.owner },
      image: { image_id: kasmId(image.id), friendly_name: image.friendlyName, name: image.name, image_src: image.imageSrc },
      view_only: !fullControl,
      // Kasm's names for the flags this viewer's stream token carries (and the gateway enforces).
      client_settings: {
        allow_kasm_clipboard_up: dlp?.clipboard_up ?? false,
        allow_kasm_clipboard_down: dlp?.clipboard_down ?? false,
        allow_kasm_uploads: dlp?.uploads ?? false,
        allow_kasm_downloads: dlp?.downloads ?? false,
      },
      operational_status: kasm.status,
      // Kasm's connection fields, for the agent that streams the session (Oriel's stream replaces its tokens).
      ...(stream && joinEndpoint(stream.url)),
      ...(stream && { stream }),
    },
  }
}
