// Session sharing end to end on the real Docker engine: a second user joins a running desktop through
// its share link (join_kasm) and watches it through the real gateway, while only the owner's typing
// reaches the desktop's terminal; and the same in the dashboard, in real Chromium.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { signTestEdgeToken } from '../support/edge-token'
import { cat, u16, u32 } from '../support/rfb/messages'
import { Enc, RfbTestClient } from '../support/rfb/client'
import { waitForFullScreen } from '../support/rfb/screen'
import { launchChromium } from '../support/chromium'
import { canvasColours, SHOTS, signIn, useBrowser } from './dashboard/browser'
import { launcherUser, useAgentPlatform, waitFor, waitRunning } from '../support/platform'

const { edge, agent } = useAgentPlatform('share')
const browser = useBrowser()
const clients: RfbTestClient[] = []
afterEach(() => {
  for (const c of clients.splice(0)) c.close()
})

type Stream = { url: string; token: string; files_url: string }

async function open(stream: Stream): Promise<RfbTestClient> {
  const c = await RfbTestClient.viaRelay(`${stream.url}?token=${encodeURIComponent(stream.token)}`)
  clients.push(c)
  await c.handshake()
  c.setEncodings([Enc.Raw])
  return c
}

async function roundTrip(c: RfbTestClient): Promise<void> {
  const from = c.messages.length
  c.requestUpdate(false)
  await waitForFullScreen(c, from, 20_000)
}

/**
 * Points at the terminal (the image's xterm sits at +10+10, and twm gives focus to the window under
 * the pointer), then types `line` and Return. Latin-1 keysyms are the characters' own codes.
 */
function typeInTerminal(c: RfbTestClient, line: string): void {
  const key = (sym: number, down: boolean) => cat([4, down ? 1 : 0, 0, 0], u32(sym))
  const keys = [...line].map((ch) => ch.charCodeAt(0)).concat(0xff0d)
  c.send(cat(cat([5, 0], u16(200), u16(150)), ...keys.flatMap((k) => [key(k, true), key(k, false)])))
}

const exists = async (s: { token: string; kasmId: string }, path: string) => {
  const res = await edge.api(
    'exec_command_kasm',
    { kasm_id: s.kasmId, exec_config: { cmd: `test -e ${path} && echo yes || echo no` } },
    s.token,
  )
  return res.body.output.trim() === 'yes'
}

describe('a shared session', () => {
  it('streams to a view-only viewer whose typing never reaches the desktop, while the owner’s does', async () => {
    const owner = await launcherUser(edge, { allow_kasm_sharing: true })
    const req = await edge.api('request_kasm', { image_id: owner.imageId, enable_sharing: true }, owner.token)
    expect(req.body.share_id).toBeTruthy()
    const s = { token: owner.token, kasmId: req.body.kasm_id as string }
    const running = await waitRunning(edge, owner.token, s.kasmId)

    const watcher = await launcherUser(edge, {})
    const joined = await edge.api('join_kasm', { share_id: req.body.share_id }, watcher.token)
    expect(joined.status).toBe(200)
    expect(joined.body.kasm).toMatchObject({ kasm_id: s.kasmId, view_only: true, user: { username: owner.username } })

    // The viewer sees the desktop, and types a command into its terminal as the owner would.
    const viewer = await open(joined.body.kasm.stream)
    await roundTrip(viewer)
    typeInTerminal(viewer, 'touch /tmp/viewer-was-here')
    await roundTrip(viewer)

    // The owner, connected at the same time (a shared connection: the viewer did not push them out).
    const ownerView = await open(running.kasm.stream)
    await roundTrip(ownerView)
    typeInTerminal(ownerView, 'touch /tmp/owner-was-here')
    await waitFor(() => exists(s, '/tmp/owner-was-here'), 15_000, 'the owner’s command to run')
    expect(await exists(s, '/tmp/viewer-was-here')).toBe(false)
    // Both still stream.
    await Promise.all([roundTrip(viewer), roundTrip(ownerView)])

    // Uploads: refused for the viewer's token; and for any view-only token, whatever its DLP flags say.
    const put = (stream: Stream, token: string) =>
      fetch(`${stream.files_url}/shared.txt`, { method: 'PUT', headers: { Authorization: `Bearer ${token}` }, body: 'x' })
    expect((await put(joined.body.kasm.stream, joined.body.kasm.stream.token)).status).toBe(403)
    const kasmUuid = s.kasmId.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')
    const allFlags = { clipboard_up: true, clipboard_down: true, uploads: true, downloads: true, printing: true }
    const mint = (viewOnly: boolean) =>
      signTestEdgeToken('stream', { sub: watcher.userId, kasm_id: kasmUuid, dlp: allFlags, view_only: viewOnly }, agent.agentId)
    expect((await put(running.kasm.stream, await mint(true))).status).toBe(403)
    expect((await put(running.kasm.stream, await mint(false))).status).toBe(201)

    await edge.api('destroy_kasm', { kasm_id: s.kasmId }, owner.token)
  })

  it('in the dashboard: the owner sees the share link, and a viewer opening it signs in and watches, view only', async () => {
    const owner = await launcherUser(edge, { allow_kasm_sharing: true })
    const req = await edge.api('request_kasm', { image_id: owner.imageId, enable_sharing: true }, owner.token)
    await waitRunning(edge, owner.token, req.body.kasm_id)
    const link = `${edge.url}/#/join/${req.body.share_id}`

    const ownerPage = await browser.context.newPage()
    await signIn(ownerPage, edge, owner.username, owner.password)
    await ownerPage.getByRole('button', { name: 'Sign out' }).waitFor()
    await ownerPage.goto(`${edge.url}/#/session/${req.body.kasm_id}`)
    await expect.poll(() => ownerPage.getByLabel('Share link').inputValue(), { timeout: 60_000 }).toBe(link)
    await ownerPage.getByRole('button', { name: 'Copy link' }).click()
    await expect.poll(() => ownerPage.getByRole('status').first().textContent()).toMatch(/Copied|Ctrl\+C/)

    const watcher = await launcherUser(edge, {})
    const fresh = await launchChromium()
    try {
      const page = await fresh.newPage()
      await page.goto(link)
      await expect.poll(() => page.getByText('Sign in to open the session shared with you.').isVisible()).toBe(true)
      await page.getByLabel('Username').fill(watcher.username)
      await page.getByLabel('Password').fill(watcher.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout: 60_000 })
      await expect.poll(() => canvasColours(page), { timeout: 20_000 }).toBeGreaterThan(2)
      expect(page.url()).toBe(link)
      const panel = page.getByRole('complementary', { name: 'Session controls' })
      await expect.poll(() => panel.textContent()).toContain('View only')
      expect(await panel.textContent()).toContain(`Shared by ${owner.username}`)
      expect(await page.getByLabel('Upload files').count()).toBe(0)
      expect(await page.getByRole('button', { name: 'Delete session' }).count()).toBe(0)
      await page.screenshot({ path: join(SHOTS, 'join-view-only.png') })
    } finally {
      await fresh.close()
      await ownerPage.close()
    }
    await edge.api('destroy_kasm', { kasm_id: req.body.kasm_id }, owner.token)
  }, 180_000)
})
