import { describe, expect, it } from 'vitest'
import { parsePixelFormat, type RfbState } from '../../../agent/src/gateway/rfb/pixel-format'
import { RfbProtocolError } from '../../../agent/src/gateway/rfb/scanner'
import { serverMessageScanner } from '../../../agent/src/gateway/rfb/server-messages'
import { cat, CHUNKINGS, compact, filler, Flag, PF16, PF32, rect, run, server, u16, u32 } from '../../support/rfb/messages'

const state = (pf = PF32): RfbState => ({ pixelFormat: parsePixelFormat(pf), updatesRequested: true })
const scanner = (clipboardDown: boolean, s = state()) => serverMessageScanner({ state: s, clipboardDown })

// Every rectangle encoding the relay frames, at 32 bpp (4-byte pixels, 3-byte Tight pixels).
const rects = [
  rect(0, 0, 2, 3, 0, filler(2 * 3 * 4)), // Raw
  rect(10, 10, 4, 4, 1, [0, 1, 0, 2]), // CopyRect
  rect(0, 0, 8, 8, 2, cat(u32(2), filler(4), filler(2 * 12, 2))), // RRE, 2 subrects
  rect(0, 0, 64, 64, 16, cat(u32(5), filler(5))), // ZRLE
  rect(0, 0, 9, 9, 7, cat([0x80], filler(3))), // Tight fill
  rect(0, 0, 50, 50, 7, cat([0x90], compact(200), filler(200))), // Tight JPEG, 2-byte length
  rect(0, 0, 1, 3, 7, cat([0x00], filler(9))), // Tight basic, 9 raw bytes (< 12: no length)
  rect(0, 0, 10, 10, 7, cat([0x40, 0], compact(30), filler(30))), // Tight copy filter
  rect(0, 0, 10, 2, 7, cat([0x50, 1, 1], filler(2 * 3), filler(4))), // 2-colour palette: 1 bpp rows, 4 bytes raw
  rect(0, 0, 8, 8, 7, cat([0x64, 1, 15], filler(16 * 3), compact(20), filler(20))), // 16-colour palette
  rect(0, 0, 200, 100, 7, cat([0x40, 2], compact(20000), filler(20000))), // gradient, 3-byte length
  rect(0, 0, 4, 1, 7, cat([0x0f], compact(3), filler(3))), // reset bits set, 12 bytes → length
  rect(4, 4, 5, 3, -239, filler(5 * 3 * 4 + 3)), // Cursor: pixels + 1-bit mask
  rect(0, 0, 800, 600, -223), // DesktopSize
  rect(0, 0, 800, 600, -308, cat([2, 0, 0, 0], filler(32))), // ExtendedDesktopSize, 2 screens
  rect(0, 0, 0, 0, -258), // QEMU extended key ack
  rect(0, 0, 0, 0, -261, [3]), // QEMU LED state
  rect(0, 0, 0, 0, -307, cat(u32(4), Buffer.from('desk'))), // DesktopName
]

const messages: { bytes: Buffer; downOnly?: true }[] = [
  { bytes: server.update(rects) },
  { bytes: server.colourMap(2) },
  { bytes: server.bell() },
  { bytes: server.cutText('secret-down'), downOnly: true },
  { bytes: server.extendedCut(Flag.caps | Flag.request | Flag.notify | Flag.provide | Flag.text, u32(1 << 20)) },
  { bytes: server.extendedCut(Flag.notify | Flag.text), downOnly: true },
  { bytes: server.extendedCut(Flag.request | Flag.text) },
  { bytes: server.extendedCut(Flag.provide | Flag.text, filler(10)), downOnly: true },
  { bytes: server.endOfContinuousUpdates() },
  { bytes: server.fence(0x80000001, filler(3)) },
  { bytes: server.xvp(1) },
  { bytes: server.update([rect(0, 0, 1, 1, 0, filler(4)), rect(0, 0, 0, 0, -224)], 0xffff) }, // LastRect ends it
  { bytes: server.update([]) },
  { bytes: server.bell() },
]
const stream = cat(...messages.map((m) => m.bytes))

describe('server→client parser', () => {
  it.each(CHUNKINGS)('forwards every message byte-exact (%s)', (_, split) => {
    expect(run(scanner(true), split(stream)).equals(stream)).toBe(true)
  })

  it.each(CHUNKINGS)('drops exactly the clipboard-carrying messages when clipboard down is blocked (%s)', (_, split) => {
    const out = run(scanner(false), split(stream))
    expect(out.equals(cat(...messages.filter((m) => !m.downOnly).map((m) => m.bytes)))).toBe(true)
  })

  it('sizes Raw, Cursor and Tight pixels by the current pixel format', () => {
    // At 16 bpp a 2x2 Raw rect is 8 bytes and a Tight pixel is 2 bytes; read at 32 bpp this would desync.
    const at16 = cat(
      server.update([
        rect(0, 0, 2, 2, 0, filler(8)),
        rect(0, 0, 1, 1, 7, cat([0x80], filler(2))),
        rect(0, 0, 2, 1, -239, filler(2 * 2 + 1)),
      ]),
      server.bell(),
    )
    const msg = cat(at16, server.cutText('x'))
    expect(run(scanner(false, state(PF16)), CHUNKINGS[1]![1](msg))).toEqual(at16)
    // Parsed with the wrong (32 bpp) format, the boundaries are lost: it fails or misses the cut text.
    const wrong = (() => {
      try {
        return run(scanner(false), [msg])
      } catch (err) {
        expect(err).toBeInstanceOf(RfbProtocolError)
        return null
      }
    })()
    expect(wrong?.equals(at16) ?? false).toBe(false)
  })

  it('streams a large Raw rectangle through as it arrives, as views of the input', () => {
    const body = filler(640 * 480 * 4)
    const msg = cat(server.update([rect(0, 0, 640, 480, 0, body)]), server.bell())
    const s = scanner(true)
    const parts = [msg.subarray(0, 65536), msg.subarray(65536, 1 << 20), msg.subarray(1 << 20)]
    const outs = parts.map((p) => s.push(p))
    outs.forEach((out, i) => {
      expect(out).toHaveLength(1)
      expect(out[0]!.buffer).toBe(msg.buffer)
      expect(out[0]!.equals(parts[i]!)).toBe(true)
    })
  })

  it('closes (throws) on unknown message types, unknown encodings and malformed bodies', () => {
    const bad: [Buffer, RegExp][] = [
      [Buffer.from([4]), /unknown server message type 4/],
      [server.update([rect(0, 0, 1, 1, 5)]), /rectangle encoding 5/], // Hextile: not negotiable through the relay
      [server.update([rect(0, 0, 1, 1, -260)]), /rectangle encoding -260/],
      [server.update([rect(0, 0, 1, 1, 7, [0xa0])]), /tight compression control/], // TightPNG's PNG
      [server.update([rect(0, 0, 1, 1, 7, [0x40, 3])]), /tight filter 3/],
      [server.update([rect(0, 0, 16, 16, 16, u32(100 * 1024 * 1024))]), /ZRLE data/],
      [server.update([rect(0, 0, 2, 2, 2, cat(u32(5), filler(4)))]), /RRE/],
      [server.update([rect(0, 0, 0, 0, -307, u32(1 << 20))]), /desktop name/],
      [cat([3, 0, 0, 0], u32(10 * 1024 * 1024 + 1)), /cut text/],
      [server.fence(0, filler(65)), /fence/],
    ]
    for (const [bytes, error] of bad) expect(() => scanner(true).push(bytes), String(error)).toThrow(error)
  })

  it('handles the palette sizes Tight allows: 2 colours pack bits, 3..256 take a byte per pixel', () => {
    const two = rect(0, 0, 17, 3, 7, cat([0x40, 1, 1], filler(6), filler(9))) // ceil(17/8)*3 = 9 < 12
    const three = rect(0, 0, 3, 3, 7, cat([0x40, 1, 2], filler(9), filler(9))) // 3*3 = 9 < 12
    const many = rect(0, 0, 16, 16, 7, cat([0x40, 1, 255], filler(256 * 3), compact(70), filler(70)))
    const msg = cat(server.update([two, three, many]), server.bell())
    expect(run(scanner(true), CHUNKINGS[1]![1](msg))).toEqual(msg)
  })

  it('keeps the colour map and continuous-updates messages intact', () => {
    const msg = cat(server.colourMap(300), server.endOfContinuousUpdates(), [1, 0], u16(0), u16(0))
    expect(run(scanner(true), [msg])).toEqual(msg)
  })
})
