// Framing of a Tight rectangle (rfbproto "Tight Encoding"). The relay never inflates or decodes the
// zlib and JPEG data; it only needs their lengths, which Tight gives as "compact" 1–3 byte integers,
// except for basic data shorter than 12 bytes, which is sent raw and whose length must be computed.
import { pass, read, RfbProtocolError, type Step } from './scanner'

const FILL = 0x8
const JPEG = 0x9
const FILTER_COPY = 0
const FILTER_PALETTE = 1
const FILTER_GRADIENT = 2
const MIN_COMPRESSED = 12

/** Tight's compact length: 7 bits per byte with a continuation bit, the third byte giving 8 bits. */
export function compactLength(then: (n: number) => Step): Step {
  return read(1, (a) => {
    const len = a[0]! & 0x7f
    if (!(a[0]! & 0x80)) return then(len)
    return read(1, (b) => {
      const len2 = len | ((b[0]! & 0x7f) << 7)
      if (!(b[0]! & 0x80)) return then(len2)
      return read(1, (c) => then(len2 | (c[0]! << 14)))
    })
  })
}

/** `tpix` is the TPIXEL size for the current pixel format (3 for 8-8-8 true colour). */
export function tightBody(w: number, h: number, tpix: number, done: () => Step): Step {
  const data = (size: number): Step => (size < MIN_COMPRESSED ? pass(size, done) : compactLength((n) => pass(n, done)))
  const filtered = (id: number): Step => {
    switch (id) {
      case FILTER_COPY:
      case FILTER_GRADIENT:
        return data(w * h * tpix)
      case FILTER_PALETTE:
        return read(1, (n) => {
          const colours = n[0]! + 1
          // Two colours pack 1 bit per pixel with byte-padded rows; more take a byte per pixel.
          return read(colours * tpix, () => data(colours <= 2 ? Math.ceil(w / 8) * h : w * h))
        })
      default:
        throw new RfbProtocolError(`tight filter ${id}`)
    }
  }
  return read(1, (cc) => {
    const type = cc[0]! >> 4
    if (type === FILL) return pass(tpix, done)
    if (type === JPEG) return compactLength((n) => pass(n, done))
    // 0xA is TightPNG's PNG subencoding, which plain Tight does not allow; above that nothing is defined.
    if (type > JPEG) throw new RfbProtocolError(`tight compression control 0x${cc[0]!.toString(16)}`)
    // Basic compression: bits 4–5 name the zlib stream (irrelevant here), bit 6 says a filter id follows.
    return type & 0x4 ? read(1, (f) => filtered(f[0]!)) : data(w * h * tpix)
  })
}
