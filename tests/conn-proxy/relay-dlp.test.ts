// The relay's DLP filter against a real guacd and sshd, with a raw Guacamole client: every data path a
// browser or a remote program can open, allowed and refused. guacd's own switches (disable-copy,
// disable-paste) are left off, so what is refused here is refused by the relay. One session at a time.
import { existsSync, rmSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DlpFlags } from '#schema'
import { GuacTestClient } from '../support/guac-client'
import { ALL_DLP, NO_DLP, startRelayHarness, type RelayHarness } from './relay-harness'

let h: RelayHarness
beforeAll(async () => {
  h = await startRelayHarness()
}, 900_000)
afterAll(async () => {
  await h?.stop()
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const tmpFile = () => `/tmp/oriel-dlp-${randomUUID()}`

/** An SSH session with these flags, logged in and at its prompt. */
async function session(dlp: DlpFlags, viewOnly = false) {
  const { token } = await h.tokenFor({ protocol: 'ssh', settings: h.sshSettings(), dlp, view_only: viewOnly })
  const c = await GuacTestClient.connect(h.url(token))
  await c.waitForOpcode('sync')
  await sleep(1_500)
  expect(c.all('error')).toEqual([])
  return c
}
/** The relay's refusal of a browser stream: `ack,<stream>,…,771`. */
const refusal = (c: GuacTestClient, stream: number) =>
  c.waitFor((x) => x.all('ack').find((a) => a.args[0] === String(stream) && a.args[2] === '771'), 5_000, `ack ${stream} 771`)
/** A middle click: the terminal pastes its clipboard. */
const paste = (c: GuacTestClient) => (c.mouse(40, 40, 2), c.mouse(40, 40, 0))

describe('browser → server', () => {
  it('pastes the clipboard when clipboard_up allows it', async () => {
    const c = await session(ALL_DLP)
    const file = tmpFile()
    c.sendClipboard(`touch ${file}\n`)
    await sleep(300)
    paste(c)
    await expect.poll(() => existsSync(file), { timeout: 10_000 }).toBe(true)
    rmSync(file)
    await c.disconnect()
  })

  it('refuses the clipboard stream without clipboard_up: ack 771, nothing pasted', async () => {
    const c = await session({ ...ALL_DLP, clipboard_up: false })
    const file = tmpFile()
    const stream = c.sendClipboard(`touch ${file}\n`)
    await refusal(c, stream)
    paste(c)
    await sleep(2_000)
    expect(existsSync(file)).toBe(false)
    await c.disconnect()
  })

  it('feeds the SSH STDIN pipe only when clipboard_up allows it (guacd’s disable-paste does not cover it)', async () => {
    const allowed = await session(ALL_DLP)
    const ran = tmpFile()
    allowed.sendPipe('STDIN', `touch ${ran}\n`)
    await expect.poll(() => existsSync(ran), { timeout: 10_000 }).toBe(true)
    rmSync(ran)
    await allowed.disconnect()

    const refused = await session({ ...ALL_DLP, clipboard_up: false })
    const blocked = tmpFile()
    await refusal(refused, refused.sendPipe('STDIN', `touch ${blocked}\n`))
    // Typing still works (key events are input, not a bulk paste): the session is alive, the pipe did nothing.
    const typed = tmpFile()
    refused.type(`touch ${typed}\n`)
    await expect.poll(() => existsSync(typed), { timeout: 10_000 }).toBe(true)
    rmSync(typed)
    expect(existsSync(blocked)).toBe(false)
    await refused.disconnect()
  })

  it('refuses uploads (`file`) without the uploads flag', async () => {
    const c = await session(NO_DLP)
    await refusal(c, c.sendFile('x.txt', 'data'))
    await c.disconnect()
  })

  it('drops a view-only viewer’s keys and streams', async () => {
    const c = await session(ALL_DLP, true)
    const file = tmpFile()
    c.type(`touch ${file}\n`)
    await refusal(c, c.sendPipe('STDIN', `touch ${file}\n`))
    await refusal(c, c.sendClipboard('x'))
    await sleep(1_500)
    expect(existsSync(file)).toBe(false)
    await c.disconnect()
  })
})

describe('server → browser', () => {
  /** Selects the first terminal row with a left-button drag: guacd copies the selection to the clipboard. */
  async function selectFirstRow(c: GuacTestClient) {
    c.type('clear; echo COPY-ME-ROW\n')
    await sleep(1_000)
    c.mouse(2, 6, 1)
    c.mouse(200, 6, 1)
    c.mouse(200, 6, 0)
  }

  it('sends the remote clipboard only when clipboard_down allows it', async () => {
    const allowed = await session(ALL_DLP)
    await selectFirstRow(allowed)
    await allowed.waitForOpcode('clipboard')
    await allowed.waitFor((c) => c.streamBytes('clipboard').toString().includes('COPY-ME'), 5_000, 'clipboard text')
    await allowed.disconnect()

    const refused = await session({ ...ALL_DLP, clipboard_down: false })
    await selectFirstRow(refused)
    await sleep(2_000)
    expect(refused.all('clipboard')).toEqual([])
    await refused.disconnect()
  })

  it('drops the pipe a remote program opens with OSC 482202 unless clipboard_down (guacd’s disable-copy does not cover it)', async () => {
    // OSC 482202 opens the pipe, 482203 closes it (and flushes its data).
    const printSecret = "printf '\\033]482202;x\\007secret-data\\033]482203;\\007'\n"
    const allowed = await session(ALL_DLP)
    allowed.type(printSecret)
    await allowed.waitFor((c) => c.streamBytes('pipe').toString().includes('secret-data'), 10_000, 'the pipe’s data')
    await allowed.disconnect()

    const refused = await session({ ...ALL_DLP, clipboard_down: false })
    refused.type(printSecret)
    await sleep(2_500)
    expect(refused.all('pipe')).toEqual([])
    expect(refused.streamBytes('pipe').length).toBe(0)
    expect(refused.all('error')).toEqual([])
    await refused.disconnect()
  })
})
