// Clipboard DLP at the relay (docs/security.md#dlp-in-the-relay), observed on a real Xvnc's X selections. TigerVNC 1.12 sets
// both PRIMARY and CLIPBOARD from a client's cut text (SetPrimary) and sends changes of either
// (SendPrimary); the tests check both selections on the way up and use CLIPBOARD on the way down.
import { describe, expect, it } from 'vitest'
import { ClipFlag, Enc, Pseudo, RfbTestClient } from '../../support/rfb/client'
import { useRelayFixture } from './support/fixture'
import { waitForFullScreen } from '../../support/rfb/screen'
import type { ServerMsg } from '../../support/rfb/server-reader'
import type { Selection } from './support/xvnc'

const PASSWORD = 'clip-pw'
const { xvnc, relay, clients } = useRelayFixture(PASSWORD)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function connect(dlp: { up: boolean; down: boolean }, extendedClipboard = false): Promise<RfbTestClient> {
  const c = await RfbTestClient.viaRelay(relay.url(dlp))
  clients.push(c)
  await c.handshake()
  c.setEncodings(extendedClipboard ? [Enc.Raw, Pseudo.ExtClipboard] : [Enc.Raw])
  if (extendedClipboard) c.clipboardCaps()
  return c
}

/** A full update answered after everything sent before it: Xvnc handles client messages in order. */
async function roundTrip(c: RfbTestClient): Promise<void> {
  const from = c.messages.length
  c.requestUpdate(false)
  await waitForFullScreen(c, from)
}

async function eventually(read: () => Promise<string | null>, want: string, ms = 5000): Promise<string | null> {
  const until = Date.now() + ms
  let got = await read()
  while (got !== want && Date.now() < until) {
    await sleep(50)
    got = await read()
  }
  return got
}

const isClipboardMessage = (m: ServerMsg) => m.type === 'cut-text' || (m.type === 'ext-clipboard' && !(m.flags & ClipFlag.caps))

describe('clipboard up (browser → desktop)', () => {
  it('when allowed, ClientCutText reaches both X selections', async () => {
    const c = await connect({ up: true, down: false })
    c.cutText('hello-up')
    for (const sel of ['clipboard', 'primary'] as Selection[]) {
      expect(await eventually(() => xvnc.readSelection(sel), 'hello-up')).toBe('hello-up')
    }
  })

  it('when allowed, the extended clipboard (notify, request, provide) reaches X', async () => {
    const c = await connect({ up: true, down: false }, true)
    c.offerClipboard('hello-ext-up')
    // Xvnc asks the client for the data when an X client (xclip) asks Xvnc for the selection.
    expect(await eventually(() => xvnc.readSelection('clipboard'), 'hello-ext-up')).toBe('hello-ext-up')
  })

  it('when not allowed, ClientCutText sent anyway never reaches X, and the session keeps working', async () => {
    await xvnc.ownSelection('clipboard', 'before-up')
    await xvnc.ownSelection('primary', 'before-up')
    const legacy = await connect({ up: false, down: true })
    legacy.cutText('blocked-up')
    await roundTrip(legacy)
    const extended = await connect({ up: false, down: true }, true)
    extended.offerClipboard('blocked-ext-up')
    extended.provideText('blocked-ext-up') // unsolicited, as a modified browser might
    await roundTrip(extended)
    await sleep(300)
    expect(await xvnc.readSelection('clipboard')).toBe('before-up')
    expect(await xvnc.readSelection('primary')).toBe('before-up')
    // Both connections still answer requests after the dropped messages.
    await roundTrip(legacy)
    await roundTrip(extended)
    const blocked = relay.logs.filter((l) => l.msg === 'rfb clipboard blocked').map((l) => l.fields)
    expect(blocked).toEqual(
      expect.arrayContaining([
        { direction: 'up', form: 'text' },
        { direction: 'up', form: 'extended' },
      ]),
    )
  })
})

describe('clipboard down (desktop → browser)', () => {
  it.each([
    ['ServerCutText', false],
    ['extended clipboard', true],
  ])('%s reaches an allowed browser and never a blocked one, whose updates keep coming', async (_, extended) => {
    // Up is blocked on the allowed client: its extended-clipboard request must still get through.
    const allowed = await connect({ up: false, down: true }, extended)
    const blocked = await connect({ up: true, down: false }, extended)
    await Promise.all([roundTrip(allowed), roundTrip(blocked)])
    const text = extended ? 'down-ext-text' : 'down-text'
    await xvnc.ownSelection('clipboard', text)
    await allowed.waitFor(() => allowed.clipboardTexts().includes(text), 5000)
    await sleep(1000)
    await roundTrip(blocked)
    expect(blocked.messages.filter(isClipboardMessage)).toEqual([])
    if (extended) {
      // Caps carry no contents and pass both ways, so both sides still negotiate the extension.
      expect(blocked.messages.some((m) => m.type === 'ext-clipboard' && m.flags & ClipFlag.caps)).toBe(true)
    }
  })
})
