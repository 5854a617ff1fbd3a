// Shared sessions at the relay, against a real Xvnc that honours ClientInit's shared-flag (no
// -AlwaysShared): a view-only viewer sees the screen but none of their input reaches the X server,
// and no browser can make the server disconnect the others.
import { describe, expect, it } from 'vitest'
import { Enc, Pseudo, RfbTestClient } from '../../support/rfb/client'
import { useRelayFixture } from './support/fixture'
import { cat, u16, u32 } from '../../support/rfb/messages'
import { waitForFullScreen } from '../../support/rfb/screen'

const PASSWORD = 'share-pw'
const { xvnc, relay, clients } = useRelayFixture(PASSWORD, { alwaysShared: false })

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function connect(o: { viewOnly?: boolean; shared?: boolean } = {}): Promise<RfbTestClient> {
  const c = await RfbTestClient.viaRelay(relay.url({ up: true, down: true, viewOnly: o.viewOnly }))
  clients.push(c)
  await c.handshake(undefined, { shared: o.shared ?? true })
  c.setEncodings([Enc.Raw, Pseudo.QemuKey])
  return c
}

/** A full update answered after everything sent before it: Xvnc handles a client's messages in order. */
async function roundTrip(c: RfbTestClient): Promise<void> {
  const from = c.messages.length
  c.requestUpdate(false)
  await waitForFullScreen(c, from)
}

const KEY = { v: 0x76, q: 0x71, o: 0x6f, w: 0x77 } as const
const key = (keysym: number, down: boolean) => cat([4, down ? 1 : 0, 0, 0], u32(keysym))
const pointer = (x: number, y: number, buttons: number) => cat([5, buttons], u16(x), u16(y))
/** QEMU extended key event: keysym plus the XT scancode. */
const qemuKey = (keysym: number, scancode: number, down: boolean) => cat([255, 0], u16(down ? 1 : 0), u32(keysym), u32(scancode))
const cutText = (text: string) => cat([6, 0, 0, 0], u32(text.length), Buffer.from(text, 'latin1'))

describe('view-only relay', () => {
  it('delivers framebuffer updates, while no key, pointer or cut-text event reaches the VNC server', async () => {
    await xvnc.ownSelection('clipboard', 'before-viewer')
    const input = await xvnc.watchInput()
    try {
      const viewer = await connect({ viewOnly: true })
      await roundTrip(viewer)
      viewer.send(
        cat(
          pointer(201, 202, 1),
          pointer(201, 202, 0),
          key(KEY.v, true),
          key(KEY.v, false),
          qemuKey(KEY.q, 0x10, true),
          qemuKey(KEY.q, 0x10, false),
          cutText('from-the-viewer'),
        ),
      )
      await roundTrip(viewer) // answered, so the relay has dealt with everything sent before it

      // The owner, connected at the same time, does reach the desktop: the watch sees real input.
      const owner = await connect()
      owner.send(cat(pointer(77, 88, 0), key(KEY.o, true), key(KEY.o, false), qemuKey(KEY.w, 0x11, true), qemuKey(KEY.w, 0x11, false)))
      await roundTrip(owner)
      const until = Date.now() + 5000
      while (!(input.keys().includes(KEY.o) && input.keys().includes(KEY.w)) && Date.now() < until) await sleep(50)
      expect(input.keys()).toEqual([KEY.o, KEY.w])
      expect(input.pointer()).toContainEqual({ x: 77, y: 88 })
      expect(input.pointer()).not.toContainEqual({ x: 201, y: 202 })
      expect(await xvnc.readSelection('clipboard')).toBe('before-viewer')

      // The viewer still gets the screen after its input was dropped.
      await roundTrip(viewer)
      viewer.close()
      await viewer.closed
      const until2 = Date.now() + 5000
      const closedLine = () => relay.logs.find((l) => l.msg === 'rfb relay closed' && (l.fields.droppedInput as number) > 0)
      while (!closedLine() && Date.now() < until2) await sleep(20)
      expect(closedLine()?.fields.droppedInput).toBe(7)
      expect(relay.logs).toContainEqual({ msg: 'rfb relay started', fields: { clipboardUp: true, clipboardDown: true, viewOnly: true } })
    } finally {
      await input.stop()
    }
  })
})

describe('shared connections', () => {
  it('keeps every relayed browser connected, even one asking for exclusive access', async () => {
    const first = await connect()
    await roundTrip(first)
    const greedy = await connect({ shared: false })
    await roundTrip(greedy)
    await roundTrip(first)

    // This server does honour the flag: a direct client asking for exclusive access throws both out.
    const direct = await RfbTestClient.direct(xvnc.port)
    clients.push(direct)
    await direct.handshake(PASSWORD, { shared: false })
    expect((await first.closed).code).toBe(1000)
    expect((await greedy.closed).code).toBe(1000)
  })
})
