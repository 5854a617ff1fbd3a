// The body of one FramebufferUpdate rectangle, per encoding. Pixel data is passed through unread, so a
// multi-megabyte Raw or ZRLE rectangle streams to the browser as its TCP segments arrive.
import { Encoding } from './encodings'
import { bytesPerPixel, tightPixelSize, type PixelFormat } from './pixel-format'
import { pass, read, RfbProtocolError, type Step } from './scanner'
import { tightBody } from './tight'

export interface RectHeader {
  x: number
  y: number
  w: number
  h: number
  encoding: number
}

const MAX_DESKTOP_NAME = 64 * 1024
/** zlib never grows data by more than a little; anything far beyond the raw size means we lost sync. */
const zrleLimit = (r: RectHeader) => r.w * r.h * 8 + (1 << 20)

/**
 * Steps over one rectangle's body. `next` continues with the update's next rectangle; `lastRect` ends
 * the update early (the LastRect pseudo-encoding, used when the server sent 65535 as the count).
 */
export function rectBody(r: RectHeader, pf: PixelFormat, next: () => Step, lastRect: () => Step): Step {
  const bpp = bytesPerPixel(pf)
  switch (r.encoding) {
    case Encoding.Raw:
      return pass(r.w * r.h * bpp, next)
    case Encoding.CopyRect:
      return pass(4, next)
    case Encoding.RRE:
      return read(4 + bpp, (b) => {
        const n = b.readUInt32BE(0)
        if (n > r.w * r.h) throw new RfbProtocolError(`RRE with ${n} subrectangles`)
        return pass(n * (bpp + 8), next)
      })
    case Encoding.Tight:
      return tightBody(r.w, r.h, tightPixelSize(pf), next)
    case Encoding.ZRLE:
      return read(4, (b) => {
        const n = b.readUInt32BE(0)
        if (n > zrleLimit(r)) throw new RfbProtocolError(`ZRLE data of ${n} bytes for ${r.w}x${r.h}`)
        return pass(n, next)
      })
    case Encoding.Cursor:
      // The cursor image, then a 1-bit mask with byte-padded rows.
      return pass(r.w * r.h * bpp + Math.ceil(r.w / 8) * r.h, next)
    case Encoding.DesktopSize:
    case Encoding.QemuExtendedKeyEvent:
      return next()
    case Encoding.LastRect:
      return lastRect()
    case Encoding.QemuLedState:
      return pass(1, next)
    case Encoding.DesktopName:
      return read(4, (b) => {
        const n = b.readUInt32BE(0)
        if (n > MAX_DESKTOP_NAME) throw new RfbProtocolError(`desktop name of ${n} bytes`)
        return pass(n, next)
      })
    case Encoding.ExtendedDesktopSize:
      // number-of-screens, 3 bytes padding, then 16 bytes per screen.
      return read(4, (b) => pass(16 * b[0]!, next))
    default:
      throw new RfbProtocolError(`rectangle encoding ${r.encoding}`)
  }
}
