// The pixel format decides how many bytes Raw, RRE, Cursor and Tight data take, so the server→client
// parser must know the format the server is using: the one in ServerInit until the client changes it.
import { RfbProtocolError } from './scanner'

export interface PixelFormat {
  bitsPerPixel: number
  depth: number
  bigEndian: boolean
  trueColour: boolean
  redMax: number
  greenMax: number
  blueMax: number
  redShift: number
  greenShift: number
  blueShift: number
}

/** Parses the 16-byte PIXEL_FORMAT structure (RFC 6143 §7.4), refusing formats no server sends. */
export function parsePixelFormat(b: Buffer): PixelFormat {
  const pf: PixelFormat = {
    bitsPerPixel: b.readUInt8(0),
    depth: b.readUInt8(1),
    bigEndian: b.readUInt8(2) !== 0,
    trueColour: b.readUInt8(3) !== 0,
    redMax: b.readUInt16BE(4),
    greenMax: b.readUInt16BE(6),
    blueMax: b.readUInt16BE(8),
    redShift: b.readUInt8(10),
    greenShift: b.readUInt8(11),
    blueShift: b.readUInt8(12),
  }
  if (![8, 16, 32].includes(pf.bitsPerPixel)) throw new RfbProtocolError(`${pf.bitsPerPixel} bits per pixel`)
  if (pf.depth === 0 || pf.depth > pf.bitsPerPixel) throw new RfbProtocolError(`depth ${pf.depth}`)
  if (is888Maxes(pf) && !byteAlignedShifts(pf)) {
    // TigerVNC ≥ 1.13 sends 3-byte Tight pixels only for byte-aligned shifts, older servers for any
    // shift: with such a format we could not tell how long Tight data is, so refuse it.
    throw new RfbProtocolError('24-bit pixel format with unaligned shifts')
  }
  return pf
}

const is888Maxes = (pf: PixelFormat) =>
  pf.trueColour && pf.bitsPerPixel === 32 && pf.depth === 24 && pf.redMax === 255 && pf.greenMax === 255 && pf.blueMax === 255
const byteAlignedShifts = (pf: PixelFormat) => pf.redShift % 8 === 0 && pf.greenShift % 8 === 0 && pf.blueShift % 8 === 0

export const bytesPerPixel = (pf: PixelFormat): number => pf.bitsPerPixel / 8

/** Tight's TPIXEL: 3 bytes for 8-8-8 true colour in 32 bits, otherwise a whole pixel (rfbproto §Tight). */
export const tightPixelSize = (pf: PixelFormat): number => (is888Maxes(pf) ? 3 : bytesPerPixel(pf))

/** Two formats that lay out every encoding's data identically, as far as framing is concerned. */
export const sameFraming = (a: PixelFormat, b: PixelFormat): boolean =>
  bytesPerPixel(a) === bytesPerPixel(b) && tightPixelSize(a) === tightPixelSize(b)

/** What both directions share: the server's current pixel format and whether updates were asked for. */
export interface RfbState {
  pixelFormat: PixelFormat
  updatesRequested: boolean
}
