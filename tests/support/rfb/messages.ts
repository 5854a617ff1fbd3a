// Byte builders for RFB messages, written from RFC 6143 and the rfbproto extensions, for the parser
// unit tests; plus helpers that feed a scanner in different chunkings.
import type { Scanner } from '../../../agent/src/gateway/rfb/scanner'

type Part = Buffer | number[]
export const cat = (...parts: Part[]): Buffer => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))))
const int = (n: number, write: (b: Buffer) => void) => {
  const b = Buffer.alloc(n)
  write(b)
  return b
}
export const u16 = (v: number) => int(2, (b) => b.writeUInt16BE(v))
export const u32 = (v: number) => int(4, (b) => b.writeUInt32BE(v >>> 0))
export const s32 = (v: number) => int(4, (b) => b.writeInt32BE(v))
/** Recognisable filler bytes (never all zero, so a misplaced slice shows). */
export const filler = (n: number, seed = 1) => {
  const b = Buffer.alloc(n)
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7 + 1) & 0xff
  return b
}

export const PF32 = cat([32, 24, 0, 1], u16(255), u16(255), u16(255), [16, 8, 0, 0, 0, 0])
export const PF16 = cat([16, 16, 0, 1], u16(31), u16(63), u16(31), [11, 5, 0, 0, 0, 0])

export const Flag = { text: 1, caps: 1 << 24, request: 1 << 25, peek: 1 << 26, notify: 1 << 27, provide: 1 << 28 } as const

export const client = {
  setPixelFormat: (pf: Buffer) => cat([0, 0, 0, 0], pf),
  setEncodings: (list: number[]) => cat([2, 0], u16(list.length), ...list.map(s32)),
  updateRequest: (incremental = false) => cat([3, incremental ? 1 : 0], u16(0), u16(0), u16(640), u16(480)),
  key: (keysym: number) => cat([4, 1, 0, 0], u32(keysym)),
  pointer: (x: number, y: number) => cat([5, 1], u16(x), u16(y)),
  cutText: (text: string) => cat([6, 0, 0, 0], u32(text.length), Buffer.from(text, 'latin1')),
  extendedCut: (flags: number, payload: Buffer = Buffer.alloc(0)) => cat([6, 0, 0, 0], s32(-(4 + payload.length)), u32(flags), payload),
  enableContinuousUpdates: (on: boolean) => cat([150, on ? 1 : 0], u16(0), u16(0), u16(640), u16(480)),
  fence: (flags: number, payload: Buffer) => cat([248, 0, 0, 0], u32(flags), [payload.length], payload),
  xvp: (code: number) => Buffer.from([250, 0, 1, code]),
  setDesktopSize: (screens: number) => cat([251, 0], u16(800), u16(600), [screens, 0], filler(16 * screens, 3)),
  qemuKey: () => cat([255, 0], u16(1), u32(0x61), u32(30)),
  qemuAudio: (op: number) => cat([255, 1], u16(op), op === 2 ? cat([3, 2], u32(44100)) : []),
}

export const rect = (x: number, y: number, w: number, h: number, encoding: number, body: Part = []) =>
  cat(u16(x), u16(y), u16(w), u16(h), s32(encoding), body)

/** Tight's compact length: 1–3 bytes. */
export const compact = (n: number): number[] =>
  n < 0x80 ? [n] : n < 0x4000 ? [(n & 0x7f) | 0x80, n >> 7] : [(n & 0x7f) | 0x80, ((n >> 7) & 0x7f) | 0x80, n >> 14]

export const server = {
  update: (rects: Buffer[], count = rects.length) => cat([0, 0], u16(count), ...rects),
  colourMap: (n: number) => cat([1, 0], u16(0), u16(n), filler(6 * n, 4)),
  bell: () => Buffer.from([2]),
  cutText: (text: string) => cat([3, 0, 0, 0], u32(text.length), Buffer.from(text, 'latin1')),
  extendedCut: (flags: number, payload: Buffer = Buffer.alloc(0)) => cat([3, 0, 0, 0], s32(-(4 + payload.length)), u32(flags), payload),
  endOfContinuousUpdates: () => Buffer.from([150]),
  fence: (flags: number, payload: Buffer) => cat([248, 0, 0, 0], u32(flags), [payload.length], payload),
  xvp: (code: number) => Buffer.from([250, 0, 1, code]),
}

/** Splits `input` into pieces of the given sizes (cycled), as TCP or WebSocket might deliver it. */
export function chunk(input: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = []
  for (let pos = 0, i = 0; pos < input.length; i++) {
    const n = sizes[i % sizes.length]!
    out.push(input.subarray(pos, pos + n))
    pos += n
  }
  return out
}

/** Deterministic pseudo-random chunk sizes between 1 and `max`. */
export function randomSizes(seed: number, max: number, count = 97): number[] {
  let s = seed
  return Array.from({ length: count }, () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    return 1 + (s % max)
  })
}

/** Everything the scanner forwards for `chunks`, joined. */
export function run(scanner: Scanner, chunks: Buffer[]): Buffer {
  return Buffer.concat(chunks.flatMap((c) => scanner.push(c)))
}

export const CHUNKINGS: [string, (b: Buffer) => Buffer[]][] = [
  ['whole', (b) => [b]],
  ['byte by byte', (b) => chunk(b, [1])],
  ['2/3/5/7-byte pieces', (b) => chunk(b, [2, 3, 5, 7])],
  ['random ≤ 16', (b) => chunk(b, randomSizes(7, 16))],
  ['random ≤ 4096', (b) => chunk(b, randomSizes(11, 4096))],
]
