// The relay against a real TigerVNC Xvnc: handshakes, framing of real Tight/ZRLE/Raw traffic, byte
// exactness against a direct connection, and failing closed.
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Enc, Pseudo, RfbTestClient } from '../../support/rfb/client'
import { useRelayFixture } from './support/fixture'
import { rawScreen, waitForFullScreen } from '../../support/rfb/screen'

const PASSWORD = 'oriel-pw'
const { xvnc, relay, clients } = useRelayFixture(PASSWORD)

const open = async (opts: { up: boolean; down: boolean; password?: string } = { up: true, down: true }) => {
  const c = await RfbTestClient.viaRelay(relay.url(opts))
  clients.push(c)
  return c
}

const RGB565 = {
  bitsPerPixel: 16,
  depth: 16,
  trueColour: true,
  redMax: 31,
  greenMax: 63,
  blueMax: 31,
  shifts: [11, 5, 0] as [number, number, number],
}

describe('RFB relay with TigerVNC', () => {
  it.each([
    ['Tight', Enc.Tight],
    ['ZRLE', Enc.ZRLE],
  ])('completes the handshake with security None and relays a full-screen %s update', async (_, preferred) => {
    const c = await open()
    const init = await c.handshake()
    expect(init).toMatchObject({ width: 640, height: 480, pf: { bitsPerPixel: 32, depth: 24, trueColour: true } })
    // Hextile, JPEG and TightPNG first: TigerVNC would pick Hextile if it saw it, and the relay cannot frame it.
    c.setEncodings([
      Enc.Hextile,
      Enc.JPEG,
      Enc.TightPNG,
      preferred,
      Enc.Tight,
      Enc.ZRLE,
      Enc.CopyRect,
      Enc.Raw,
      Pseudo.CompressLevel6,
      Pseudo.QualityLevel6,
      Enc.DesktopSize,
      Enc.LastRect,
      Enc.Cursor,
      Pseudo.QemuKey,
      Pseudo.ExtDesktopSize,
      Pseudo.Fence,
      Pseudo.ContinuousUpdates,
    ])
    c.requestUpdate(false)
    const rects = await waitForFullScreen(c, 0)
    const encodings = new Set(rects.map((r) => r.encoding))
    expect(encodings.has(preferred)).toBe(true)
    for (const e of [Enc.Hextile, Enc.JPEG, Enc.TightPNG]) expect(encodings.has(e)).toBe(false)
    expect(relay.logs).toContainEqual({ msg: 'rfb encodings filtered', fields: { removed: [Enc.Hextile, Enc.JPEG, Enc.TightPNG] } })
    // Pseudo-rectangles and the fence / continuous-updates server messages went through as well.
    expect(encodings.has(Pseudo.ExtDesktopSize)).toBe(true)
    await c.waitFor((m) => m.type === 'end-of-continuous-updates', 5000)
    await c.waitFor((m) => m.type === 'fence', 5000)
    // Still in sync afterwards: a pointer event and a new full request are answered.
    const from = c.messages.length
    c.send(Buffer.from([5, 0, 0, 10, 0, 10]))
    c.requestUpdate(false)
    await waitForFullScreen(c, from)
  })

  it('delivers Raw pixels byte-for-byte as Xvnc sends them, in 32 and in 16 bits per pixel', async () => {
    const direct = await RfbTestClient.direct(xvnc.port)
    clients.push(direct)
    await direct.handshake(PASSWORD)
    const relayed = await open()
    await relayed.handshake()
    expect(relayed.serverInit.raw).toEqual(direct.serverInit.raw)
    for (const c of [direct, relayed]) c.setEncodings([Enc.Raw])
    const [a, b] = await Promise.all([rawScreen(direct, 4), rawScreen(relayed, 4)])
    expect(a.length).toBe(640 * 480 * 4)
    expect(a.some((byte) => byte !== 0)).toBe(true) // -retro stipple: real content, not a blank frame
    expect(b.equals(a)).toBe(true)

    // A new pixel format needs a new connection: the relay refuses framing changes once updates flow.
    const direct16 = await RfbTestClient.direct(xvnc.port)
    clients.push(direct16)
    await direct16.handshake(PASSWORD)
    const relayed16 = await open()
    await relayed16.handshake()
    for (const c of [direct16, relayed16]) {
      c.setPixelFormat(RGB565)
      c.setEncodings([Enc.Raw])
    }
    const [a16, b16] = await Promise.all([rawScreen(direct16, 2), rawScreen(relayed16, 2)])
    expect(a16.length).toBe(640 * 480 * 2)
    expect(b16.equals(a16)).toBe(true)
    // Tight's pixel size follows the format too (2 bytes here, not 3).
    const from = relayed16.messages.length
    relayed16.setEncodings([Enc.Tight, Enc.Raw])
    relayed16.requestUpdate(false)
    await waitForFullScreen(relayed16, from)
  })

  it('relays messages the browser pipelined behind its ClientInit, through the parsers', async () => {
    const c = await open({ up: false, down: false })
    const setEncodings = Buffer.from([2, 0, 0, 2, 0, 0, 0, Enc.Hextile, 0, 0, 0, Enc.Raw])
    const request = Buffer.from([3, 0, 0, 0, 0, 0, 640 >> 8, 640 & 0xff, 480 >> 8, 480 & 0xff])
    const cut = Buffer.concat([Buffer.from([6, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('abc')])
    await c.pipelinedHandshake(Buffer.concat([setEncodings, cut, request]))
    const rects = await waitForFullScreen(c, 0)
    expect(new Set(rects.map((r) => r.encoding))).toEqual(new Set([Enc.Raw]))
    expect(relay.logs).toContainEqual({ msg: 'rfb clipboard blocked', fields: { direction: 'up', form: 'text' } })
  })

  it('closes the connection on an unknown client message type', async () => {
    const c = await open()
    await c.handshake()
    c.send(Buffer.from([7, 0, 0, 0, 0, 0, 0, 0]))
    expect((await c.closed).code).toBe(1002)
    expect(relay.logs).toContainEqual({
      msg: 'rfb relay closed',
      fields: expect.objectContaining({ reason: 'protocol error from browser', error: 'unknown client message type 7' }),
    })
  })

  it('closes on a text frame from the browser, and drops a browser that stalls in the handshake', async () => {
    const closeOf = (ws: WebSocket) => new Promise<number>((r) => ws.on('close', (code) => r(code)))
    const chatty = new WebSocket(relay.url({ up: true, down: true }))
    chatty.once('message', () => chatty.send('RFB 003.008\n')) // right bytes, wrong frame type
    expect(await closeOf(chatty)).toBe(1002)
    const silent = new WebSocket(relay.url({ up: true, down: true, handshakeTimeoutMs: 300 }))
    const started = Date.now()
    expect(await closeOf(silent)).toBe(1011)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    const reasons = relay.logs.filter((l) => l.msg === 'rfb relay closed').map((l) => l.fields.reason)
    expect(reasons).toEqual(expect.arrayContaining(['text frame from browser', 'handshake timeout']))
  })

  it('closes the browser socket when the VNC password is wrong, before any ServerInit', async () => {
    const c = await open({ up: true, down: true, password: 'wrong-pw' })
    await expect(c.handshake()).rejects.toThrow()
    expect((await c.closed).code).toBe(1011)
    expect(c.serverInit).toBeUndefined()
    const closed = relay.logs.find((l) => l.msg === 'rfb relay closed' && l.fields.reason === 'handshake failed')
    expect(closed?.fields.error).toMatch(/^upstream authentication failed/)
  })
})
