// ClientCutText and ServerCutText share one layout: type, 3 padding bytes, a signed 32-bit length, then
// the text. A negative length marks the extended clipboard (rfbproto "Extended Clipboard Pseudo-
// Encoding"): |length| bytes follow, starting with a 32-bit flags word whose top byte is the action.
//
// DLP (docs/security.md#dlp-in-the-relay): when a direction is not allowed, every message that carries or announces clipboard
// contents in that direction is dropped. Extended-clipboard caps, request and peek carry none and also
// serve the *other* direction (a request for the server's clipboard travels client→server), so they
// pass; otherwise blocking paste would also break copy.
import { pass, read, RfbProtocolError, type MessageControl, type Step } from './scanner'

export const MAX_CUT_TEXT = 10 * 1024 * 1024

export const ClipboardAction = {
  caps: 1 << 24,
  request: 1 << 25,
  peek: 1 << 26,
  notify: 1 << 27,
  provide: 1 << 28,
} as const

const REQUESTS = ClipboardAction.request | ClipboardAction.peek

/**
 * Notify and provide carry contents (or announce their formats); unknown or missing actions are
 * treated as if they did. A caps message lists the sender's supported actions in the other action
 * bits and carries only size limits, so it is content-free whatever else is set.
 */
export function carriesClipboardContent(flags: number): boolean {
  if (flags & ClipboardAction.caps) return false
  const actions = flags & 0xff000000
  return actions === 0 || (actions & ~REQUESTS) !== 0
}

export interface CutTextPolicy {
  /** Whether clipboard contents may flow in this message's direction. */
  allowed: boolean
  onBlocked?: (form: 'text' | 'extended') => void
}

/** Steps over a cut text message after its type byte, deciding whether it is forwarded. */
export function cutTextBody(ctl: MessageControl, policy: CutTextPolicy, done: () => Step): Step {
  // Nothing of the message may leave before the decision, which needs the length (and flags).
  ctl.hold()
  const decide = (forward: boolean, form: 'text' | 'extended') => {
    if (forward) return ctl.forward()
    ctl.drop()
    policy.onBlocked?.(form)
  }
  return read(7, (header) => {
    const length = header.readInt32BE(3)
    if (length >= 0) {
      if (length > MAX_CUT_TEXT) throw new RfbProtocolError(`cut text of ${length} bytes`)
      decide(policy.allowed, 'text')
      return pass(length, done)
    }
    const size = -length
    if (size < 4 || size > MAX_CUT_TEXT) throw new RfbProtocolError(`extended clipboard message of ${size} bytes`)
    return read(4, (f) => {
      decide(policy.allowed || !carriesClipboardContent(f.readUInt32BE(0)), 'extended')
      return pass(size - 4, done)
    })
  })
}

/**
 * Steps over a cut text message after its type byte and drops all of it, extended-clipboard caps and
 * requests included: a view-only viewer takes no part in the clipboard.
 */
export function dropCutText(ctl: MessageControl, done: () => Step): Step {
  ctl.drop()
  return read(7, (header) => {
    const length = header.readInt32BE(3)
    const size = Math.abs(length)
    if (size > MAX_CUT_TEXT || (length < 0 && size < 4)) throw new RfbProtocolError(`cut text of ${length} bytes`)
    return pass(size, done)
  })
}
