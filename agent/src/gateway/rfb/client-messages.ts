// Parser for browser→container (client→server) RFB messages after the handshake. It finds every
// message boundary so it can drop ClientCutText when clipboard-up is not allowed, narrows
// SetEncodings to what the server→client parser can frame, and records the pixel format the server
// will use. An unknown message type ends the connection: its length is unknown, so nothing after it
// could be trusted to be a message boundary (a hidden ClientCutText would otherwise slip through).
// On a view-only connection (someone watching a shared session) it also drops every message that
// acts on the desktop, while those that only shape what the viewer sees still pass.
import { cutTextBody, dropCutText } from './cut-text'
import { filterEncodings } from './encodings'
import { fenceBody } from './fence'
import { parsePixelFormat, sameFraming, type RfbState } from './pixel-format'
import { messageStart, pass, read, RfbProtocolError, Scanner, type MessageControl, type Step } from './scanner'

export const ClientMessage = {
  SetPixelFormat: 0,
  SetEncodings: 2,
  FramebufferUpdateRequest: 3,
  KeyEvent: 4,
  PointerEvent: 5,
  ClientCutText: 6,
  EnableContinuousUpdates: 150,
  Fence: 248,
  Xvp: 250,
  SetDesktopSize: 251,
  Qemu: 255,
} as const

/** noVNC sends about twenty; a list far longer than any client's is a broken or hostile client. */
const MAX_ENCODINGS = 1024

export type RelayEvent =
  | { type: 'clipboard-blocked'; direction: 'up' | 'down'; form: 'text' | 'extended' }
  | { type: 'encodings-filtered'; removed: number[] }
  | { type: 'input-dropped'; message: DroppedInput }

/** What a view-only connection may not send: input, clipboard, resizing the desktop, power actions. */
export type DroppedInput = 'key' | 'pointer' | 'cut-text' | 'qemu-key' | 'desktop-size' | 'xvp'

export interface ClientParserOptions {
  state: RfbState
  clipboardUp: boolean
  /** Drop every message that acts on the desktop (see DroppedInput). */
  viewOnly?: boolean
  onEvent?: (event: RelayEvent) => void
}

export function clientMessageScanner(opts: ClientParserOptions): Scanner {
  return new Scanner((ctl) => clientMessages(ctl, opts))
}

function clientMessages(ctl: MessageControl, { state, clipboardUp, viewOnly = false, onEvent }: ClientParserOptions): Step {
  const start = (): Step => messageStart(ctl, dispatch)
  /** Drops the message being read (its type byte included) when the connection is view-only. */
  const inputAllowed = (message: DroppedInput): boolean => {
    if (!viewOnly) return true
    ctl.drop()
    onEvent?.({ type: 'input-dropped', message })
    return false
  }

  const dispatch = (type: number): Step => {
    switch (type) {
      case ClientMessage.SetPixelFormat:
        return read(19, (b) => setPixelFormat(b.subarray(3)))
      case ClientMessage.SetEncodings:
        ctl.hold()
        return read(3, (h) => {
          const n = h.readUInt16BE(1)
          if (n > MAX_ENCODINGS) throw new RfbProtocolError(`SetEncodings with ${n} encodings`)
          return read(4 * n, setEncodings)
        })
      case ClientMessage.FramebufferUpdateRequest:
        return read(9, () => {
          state.updatesRequested = true
          return start()
        })
      case ClientMessage.KeyEvent:
        inputAllowed('key')
        return pass(7, start)
      case ClientMessage.PointerEvent:
        inputAllowed('pointer')
        return pass(5, start)
      case ClientMessage.ClientCutText:
        if (!inputAllowed('cut-text')) return dropCutText(ctl, start)
        return cutTextBody(
          ctl,
          { allowed: clipboardUp, onBlocked: (form) => onEvent?.({ type: 'clipboard-blocked', direction: 'up', form }) },
          start,
        )
      case ClientMessage.EnableContinuousUpdates:
        return read(9, (b) => {
          if (b[0]) state.updatesRequested = true
          return start()
        })
      case ClientMessage.Fence:
        return fenceBody(start)
      case ClientMessage.Xvp:
        inputAllowed('xvp') // shutdown, reboot or reset of the desktop
        return pass(3, start) // padding, xvp version, message code
      case ClientMessage.SetDesktopSize:
        inputAllowed('desktop-size') // it would resize the owner's screen too
        // padding, width, height, number-of-screens, padding, then 16 bytes per screen.
        return read(7, (b) => pass(16 * b[5]!, start))
      case ClientMessage.Qemu:
        // Only the subtype tells a key event from audio control, so the type byte waits for it.
        if (viewOnly) ctl.hold()
        return read(1, (s) => qemu(s[0]!))
      default:
        throw new RfbProtocolError(`unknown client message type ${type}`)
    }
  }

  const setPixelFormat = (raw: Buffer): Step => {
    const pf = parsePixelFormat(raw)
    // Updates already on the wire use the old format and the relay cannot tell where they end, so a
    // change that alters framing is only safe before the first update request (noVNC's only use).
    if (state.updatesRequested && !sameFraming(state.pixelFormat, pf)) {
      throw new RfbProtocolError('pixel format change after updates were requested')
    }
    state.pixelFormat = pf
    return start()
  }

  const setEncodings = (list: Buffer): Step => {
    const asked = Array.from({ length: list.length / 4 }, (_, i) => list.readInt32BE(i * 4))
    const kept = filterEncodings(asked)
    if (kept.length === asked.length) {
      ctl.forward()
      return start()
    }
    const msg = Buffer.alloc(4 + 4 * kept.length)
    msg.writeUInt8(ClientMessage.SetEncodings, 0)
    msg.writeUInt16BE(kept.length, 2)
    kept.forEach((e, i) => msg.writeInt32BE(e, 4 + 4 * i))
    ctl.replace(msg)
    onEvent?.({ type: 'encodings-filtered', removed: asked.filter((e) => !kept.includes(e)) })
    return start()
  }

  const qemu = (subtype: number): Step => {
    if (subtype === 0) {
      if (inputAllowed('qemu-key')) ctl.forward()
      return pass(10, start) // extended key event: down flag, keysym, keycode
    }
    ctl.forward()
    if (subtype !== 1) throw new RfbProtocolError(`unknown QEMU client message ${subtype}`)
    // Audio: operation 0 (enable) and 1 (disable) end here; 2 (set format) has 6 more bytes.
    return read(2, (op) => {
      const operation = op.readUInt16BE(0)
      if (operation === 0 || operation === 1) return start()
      if (operation === 2) return pass(6, start)
      throw new RfbProtocolError(`unknown QEMU audio operation ${operation}`)
    })
  }

  return start()
}
