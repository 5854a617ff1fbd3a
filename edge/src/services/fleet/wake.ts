import type { Deps } from '../../deps'
import { signForMember } from './edge-key'
import { memberUrl } from './endpoint'

/** A wake hint is only a nudge to poll now, so it may be short-lived and is never retried. */
const WAKE_TIMEOUT_MS = 2_000

/**
 * Sends a fleet member a signed, payload-free wake hint (docs/protocol.md#wake-hints), after the
 * response. It verifies the hint with the edge's public key and polls at once; losing it only delays
 * work to the next poll.
 */
export function wakeMember(deps: Deps, member: { id: string; publicUrl: string }): void {
  deps.defer(
    (async () => {
      const token = await signForMember(deps, member.id, 'wake', {})
      await (deps.memberFetch ?? fetch)(memberUrl(member.publicUrl, '/wake'), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(WAKE_TIMEOUT_MS),
      })
    })(),
  )
}
