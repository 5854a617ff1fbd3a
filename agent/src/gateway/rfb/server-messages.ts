// Parser for container→browser (server→client) RFB messages after the handshake. It walks every
// FramebufferUpdate rectangle so that it always knows where the next message starts, and drops
// ServerCutText when clipboard-down is not allowed. Unknown message types or rectangle encodings end
// the connection, for the same reason as on the client side: the boundary after them is lost.
import type { RelayEvent } from './client-messages'
import { cutTextBody } from './cut-text'
import { fenceBody } from './fence'
import type { RfbState } from './pixel-format'
import { rectBody } from './rect-bodies'
import { messageStart, pass, read, RfbProtocolError, Scanner, type MessageControl, type Step } from './scanner'

export const ServerMessage = {
  FramebufferUpdate: 0,
  SetColourMapEntries: 1,
  Bell: 2,
  ServerCutText: 3,
  EndOfContinuousUpdates: 150,
  Fence: 248,
  Xvp: 250,
} as const

export interface ServerParserOptions {
  state: RfbState
  clipboardDown: boolean
  onEvent?: (event: RelayEvent) => void
}

export function serverMessageScanner(opts: ServerParserOptions): Scanner {
  return new Scanner((ctl) => serverMessages(ctl, opts))
}

function serverMessages(ctl: MessageControl, { state, clipboardDown, onEvent }: ServerParserOptions): Step {
  const start = (): Step => messageStart(ctl, dispatch)

  const dispatch = (type: number): Step => {
    switch (type) {
      case ServerMessage.FramebufferUpdate:
        return read(3, (h) => rects(h.readUInt16BE(1)))
      case ServerMessage.SetColourMapEntries:
        // padding, first-colour, number-of-colours, then 6 bytes (RGB, 16 bits each) per colour.
        return read(5, (h) => pass(6 * h.readUInt16BE(3), start))
      case ServerMessage.Bell:
      case ServerMessage.EndOfContinuousUpdates:
        return start()
      case ServerMessage.ServerCutText:
        return cutTextBody(
          ctl,
          { allowed: clipboardDown, onBlocked: (form) => onEvent?.({ type: 'clipboard-blocked', direction: 'down', form }) },
          start,
        )
      case ServerMessage.Fence:
        return fenceBody(start)
      case ServerMessage.Xvp:
        return pass(3, start) // padding, xvp version, message code
      default:
        throw new RfbProtocolError(`unknown server message type ${type}`)
    }
  }

  // Rectangles are chained through callbacks rather than recursion, so 65535 of them cost no stack.
  const rects = (left: number): Step => {
    if (left === 0) return start()
    return read(12, (h) => {
      const header = { x: h.readUInt16BE(0), y: h.readUInt16BE(2), w: h.readUInt16BE(4), h: h.readUInt16BE(6), encoding: h.readInt32BE(8) }
      // Read the format per rectangle: it is fixed while updates flow (see the client parser).
      return rectBody(header, state.pixelFormat, () => rects(left - 1), start)
    })
  }

  return start()
}
