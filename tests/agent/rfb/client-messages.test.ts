import { describe, expect, it } from 'vitest'
import { clientMessageScanner, type RelayEvent } from '../../../agent/src/gateway/rfb/client-messages'
import { parsePixelFormat, type RfbState } from '../../../agent/src/gateway/rfb/pixel-format'
import { RfbProtocolError } from '../../../agent/src/gateway/rfb/scanner'
import { cat, CHUNKINGS, client, filler, Flag, PF16, PF32, run, s32, u32 } from '../../support/rfb/messages'

const newState = (): RfbState => ({ pixelFormat: parsePixelFormat(PF32), updatesRequested: false })
const scanner = (clipboardUp: boolean, state = newState(), events: RelayEvent[] = []) =>
  clientMessageScanner({ state, clipboardUp, onEvent: (e) => events.push(e) })

const EXT_CLIPBOARD = 0xc0a1e5ce | 0
const ASKED = [5, 7, 16, -260, 0, 21, -239, -313, -312, EXT_CLIPBOARD, -250, -26, -22, -224, -308, -258, -223]
const KEPT = [7, 16, 0, -239, -313, -312, EXT_CLIPBOARD, -250, -26, -224, -308, -258, -223]

// One of every message noVNC (or a hostile client) may send; `upOnly` marks what carries clipboard
// contents, `input` what acts on the desktop (and so never passes a view-only connection).
const messages: { bytes: Buffer; upOnly?: true; input?: string }[] = [
  { bytes: client.setPixelFormat(PF32) },
  { bytes: client.setEncodings(KEPT) },
  { bytes: client.updateRequest(false) },
  { bytes: client.key(0xff0d), input: 'key' },
  { bytes: client.pointer(100, 200), input: 'pointer' },
  { bytes: client.cutText('paste-me'), upOnly: true, input: 'cut-text' },
  { bytes: client.extendedCut(Flag.caps | Flag.request | Flag.notify | Flag.provide | Flag.text, u32(1 << 20)), input: 'cut-text' },
  { bytes: client.extendedCut(Flag.request | Flag.text), input: 'cut-text' },
  { bytes: client.extendedCut(Flag.peek), input: 'cut-text' },
  { bytes: client.extendedCut(Flag.notify | Flag.text), upOnly: true, input: 'cut-text' },
  { bytes: client.extendedCut(Flag.provide | Flag.text, filler(40)), upOnly: true, input: 'cut-text' },
  { bytes: client.extendedCut(Flag.text, filler(3)), upOnly: true, input: 'cut-text' }, // no action at all: treated as content
  { bytes: client.cutText(''), upOnly: true, input: 'cut-text' },
  { bytes: client.enableContinuousUpdates(true) },
  { bytes: client.fence(0x80000003, filler(5)) },
  { bytes: client.setDesktopSize(2), input: 'desktop-size' },
  { bytes: client.qemuKey(), input: 'qemu-key' },
  { bytes: client.qemuAudio(0) },
  { bytes: client.qemuAudio(2) },
  { bytes: client.xvp(2), input: 'xvp' },
  { bytes: client.updateRequest(true) },
]
const stream = cat(...messages.map((m) => m.bytes))

describe('client→server parser', () => {
  it.each(CHUNKINGS)('forwards every message byte-exact (%s)', (_, split) => {
    expect(run(scanner(true), split(stream)).equals(stream)).toBe(true)
  })

  it.each(CHUNKINGS)('drops exactly the clipboard-carrying messages when clipboard up is blocked (%s)', (_, split) => {
    const events: RelayEvent[] = []
    const out = run(scanner(false, newState(), events), split(stream))
    expect(out.equals(cat(...messages.filter((m) => !m.upOnly).map((m) => m.bytes)))).toBe(true)
    expect(events.map((e) => (e.type === 'clipboard-blocked' ? e.form : e.type))).toEqual([
      'text',
      'extended',
      'extended',
      'extended',
      'text',
    ])
  })

  it.each(CHUNKINGS)('on a view-only connection, drops every message that acts on the desktop and passes the rest (%s)', (_, split) => {
    const events: RelayEvent[] = []
    const out = run(
      clientMessageScanner({ state: newState(), clipboardUp: true, viewOnly: true, onEvent: (e) => events.push(e) }),
      split(stream),
    )
    expect(out.equals(cat(...messages.filter((m) => !m.input).map((m) => m.bytes)))).toBe(true)
    expect(events).toEqual(messages.filter((m) => m.input).map((m) => ({ type: 'input-dropped', message: m.input })))
    // Audio control shares the QEMU type byte with key events and still passes whole.
    expect(
      run(
        clientMessageScanner({ state: newState(), clipboardUp: true, viewOnly: true }),
        split(cat(client.qemuKey(), client.qemuAudio(2), client.key(1))),
      ),
    ).toEqual(client.qemuAudio(2))
  })

  it('narrows SetEncodings to what the server parser can frame, keeping the client order', () => {
    const events: RelayEvent[] = []
    const out = run(scanner(true, newState(), events), [client.setEncodings(ASKED), client.key(1)])
    expect(out).toEqual(cat(client.setEncodings(KEPT), client.key(1)))
    expect(events).toEqual([{ type: 'encodings-filtered', removed: [5, -260, 21, -22] }])
    // Split anywhere, the rewrite is the same.
    expect(run(scanner(true), CHUNKINGS[1]![1](client.setEncodings(ASKED)))).toEqual(client.setEncodings(KEPT))
  })

  it('records the pixel format the server will use and that updates were requested', () => {
    const state = newState()
    run(scanner(true, state), [client.setPixelFormat(PF16)])
    expect(state).toMatchObject({ pixelFormat: { bitsPerPixel: 16, depth: 16 }, updatesRequested: false })
    run(scanner(true, state), [client.updateRequest(true)])
    expect(state.updatesRequested).toBe(true)
  })

  it('refuses a pixel format change that alters framing once updates were requested, allows one that does not', () => {
    const state = newState()
    const s = scanner(true, state)
    s.push(client.updateRequest(false))
    const bgr = cat(PF32.subarray(0, 10), [0, 8, 16], PF32.subarray(13)) // same sizes, other shifts
    expect(s.push(client.setPixelFormat(bgr)).length).toBe(1)
    expect(() => s.push(client.setPixelFormat(PF16))).toThrow(/pixel format change/)
  })

  it('closes (throws) on an unknown message type, also after valid messages in the same chunk', () => {
    expect(() => scanner(true).push(Buffer.from([7]))).toThrow(RfbProtocolError)
    const s = scanner(true)
    expect(() => s.push(cat(client.key(1), [9, 0, 0, 0]))).toThrow(/unknown client message type 9/)
    expect(() => s.push(client.key(1))).toThrow(RfbProtocolError) // dead after a failure
    expect(() => scanner(true).push(Buffer.from([255, 7]))).toThrow(/QEMU/)
    expect(() => scanner(true).push(cat([255, 1], [0, 9]))).toThrow(/audio/)
  })

  it('refuses lengths beyond the sane limits', () => {
    const tooLong = cat([6, 0, 0, 0], u32(10 * 1024 * 1024 + 1))
    expect(() => scanner(true).push(tooLong)).toThrow(/cut text/)
    expect(() => scanner(false).push(tooLong)).toThrow(/cut text/)
    expect(() => scanner(true).push(cat([6, 0, 0, 0], s32(-(2 ** 31))))).toThrow(/extended clipboard/)
    expect(() => scanner(true).push(cat([6, 0, 0, 0], s32(-3)))).toThrow(/extended clipboard/)
    const viewOnly = () => clientMessageScanner({ state: newState(), clipboardUp: true, viewOnly: true })
    for (const length of [-(2 ** 31), -3, 10 * 1024 * 1024 + 1])
      expect(() => viewOnly().push(cat([6, 0, 0, 0], s32(length)))).toThrow(/cut text/)
    expect(() => scanner(true).push(cat([2, 0], [0x08, 0x00]))).toThrow(/SetEncodings/)
    expect(() => scanner(true).push(cat([248, 0, 0, 0], u32(0), [65]))).toThrow(/fence/)
    expect(() => scanner(true).push(client.setPixelFormat(cat([24], PF32.subarray(1))))).toThrow(/bits per pixel/)
  })

  it('streams a large cut text through as it arrives instead of buffering it', () => {
    const text = filler(10 * 1024 * 1024)
    const msg = cat([6, 0, 0, 0], u32(text.length), text)
    const s = scanner(true)
    const first = s.push(msg.subarray(0, 4096))
    expect(Buffer.concat(first)).toEqual(msg.subarray(0, 4096))
    const rest = s.push(msg.subarray(4096))
    // Zero-copy: the body goes out as a view of the chunk it came in.
    expect(rest).toHaveLength(1)
    expect(rest[0]!.buffer).toBe(msg.buffer)
    expect(s.push(client.key(1))).toEqual([client.key(1)])
  })
})
