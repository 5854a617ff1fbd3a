// DLP in the dashboard on an SSH server, as the panel and the wire show it, in real Chromium through a real conn-proxy
// and guacd: allowed, the remote selection reaches the panel, the panel's text pastes, files go up over SFTP and come
// down through guacd's OSC 482200, an OSC 482202 pipe reaches the page, and a STDIN pipe opened by a modified page
// types into the shell; refused, none of the controls show, no clipboard, file or pipe instruction reaches the page's
// WebSocket, and the modified page's STDIN pipe is answered 771 and types nothing.
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { Page, WebSocketRoute } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { signIn, useBrowser } from './browser'
import { deleteSession, open, PASSWORD_USER, useServerPlatform } from './server-sessions-kit'

const browser = useBrowser()
const p = useServerPlatform()

describe('DLP in the dashboard, on an SSH server', () => {
  /** Prints a row at the top of the terminal and selects it with a left-button drag: guacd copies a selection. */
  async function selectTopRow(page: Page) {
    await page.locator('.guac-display').focus()
    await page.keyboard.type('clear; echo COPY-ME-ROW')
    await page.keyboard.press('Enter')
    await page.waitForTimeout(1_000)
    const box = (await page.locator('.guac-display').boundingBox())!
    await page.mouse.move(box.x + 2, box.y + 8)
    await page.mouse.down()
    await page.mouse.move(box.x + 240, box.y + 8, { steps: 5 })
    await page.mouse.up()
  }
  const middleClick = async (page: Page) => {
    const box = (await page.locator('.guac-display').boundingBox())!
    await page.mouse.click(box.x + 40, box.y + 200, { button: 'middle' })
  }
  /** Output piped to the browser by guacd's OSC 482202 escape: a `pipe` stream named OUT that disable-copy does not stop. */
  async function pipeOut(page: Page) {
    await page.locator('.guac-display').focus()
    await page.keyboard.type(`printf '\\033]482202;OUT\\007'; echo piped-by-osc`)
    await page.keyboard.press('Enter')
  }
  /** A file in the login's home, asked for the way guacctl --download asks: guacd's OSC 482200 in the terminal. */
  async function askDownload(page: Page) {
    const name = `oriel-download-${randomUUID().slice(0, 8)}.txt`
    const path = `/home/${PASSWORD_USER.name}/${name}`
    writeFileSync(path, 'ünïcode from the server')
    await page.locator('.guac-display').focus()
    await page.keyboard.type(`printf '\\033]482200;${path}\\007'`)
    await page.keyboard.press('Enter')
    return { name, path }
  }

  /**
   * The page's Guacamole WebSocket through Playwright, which forwards it both ways and can also send what a modified
   * page would: guacamole-common-js offers no STDIN pipe, but a script in the page can open one (guacamole.md §2.4).
   */
  async function modifiedPage(page: Page) {
    let server: WebSocketRoute | undefined
    await page.routeWebSocket(
      () => true,
      (ws) => void (server = ws.connectToServer()),
    )
    return {
      /** Types `command` into the SSH shell through guacd's STDIN pipe, on a stream index the page does not use. */
      stdin(command: string) {
        const data = Buffer.from(command).toString('base64')
        for (const instruction of ['4.pipe,2.50,10.text/plain,5.STDIN;', `4.blob,2.50,${data.length}.${data};`, '3.end,2.50;'])
          server!.send(instruction)
      },
    }
  }

  it('allowed: the remote selection reaches the panel, the panel’s text pastes into the terminal, a file uploads over SFTP and one downloads, an OSC pipe reaches the page, a STDIN pipe types', async () => {
    const page = await browser.context.newPage()
    const modified = await modifiedPage(page)
    const received: string[] = []
    page.on('websocket', (ws) => ws.on('framereceived', (f) => void received.push(String(f.payload))))
    await signIn(page, p.edge, p.user.username, p.user.password)
    await page.getByRole('button', { name: 'Launch SSH password' }).waitFor()
    await open(p, page, 'SSH password')
    await selectTopRow(page)
    await expect.poll(() => page.getByLabel('Clipboard from the session').inputValue(), { timeout: 10_000 }).toContain('COPY-ME-ROW')

    const pasted = `/tmp/oriel-dash-paste-${randomUUID()}`
    await page.getByLabel('Clipboard to the session').fill(`touch ${pasted}\n`)
    await page.getByRole('button', { name: 'Send clipboard' }).click()
    await page.waitForTimeout(300)
    await middleClick(page)
    await expect.poll(() => existsSync(pasted), { timeout: 10_000 }).toBe(true)
    rmSync(pasted)

    const name = `oriel-upload-${randomUUID().slice(0, 8)}.txt`
    await page.getByLabel('Upload files').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from('über the relay') })
    await expect.poll(() => page.getByText(`Uploaded ${name}`).count(), { timeout: 15_000 }).toBe(1)
    // guacd's SFTP puts a dropped file in the login's home.
    const landed = `/home/${PASSWORD_USER.name}/${name}`
    await expect.poll(() => existsSync(landed) && readFileSync(landed, 'utf8'), { timeout: 10_000 }).toBe('über the relay')
    rmSync(landed)

    const saved = page.waitForEvent('download', { timeout: 15_000 })
    const asked = await askDownload(page)
    const download = await saved
    expect(download.suggestedFilename()).toBe(asked.name)
    expect(readFileSync((await download.path())!, 'utf8')).toBe('ünïcode from the server')
    await expect.poll(() => page.getByText(`Downloaded ${asked.name}`).count()).toBe(1)
    rmSync(asked.path)

    await pipeOut(page)
    await expect.poll(() => received.some((f) => f.includes('4.pipe,') && f.includes('3.OUT'))).toBe(true)

    const typed = `/tmp/oriel-dash-stdin-${randomUUID()}`
    modified.stdin(`touch ${typed}\n`)
    await expect.poll(() => existsSync(typed), { timeout: 10_000 }).toBe(true)
    rmSync(typed)
    await deleteSession(p, page)
    await page.close()
  }, 120_000)

  it('refused: no clipboard either way, no upload, no download, no OSC pipe, no STDIN pipe, in the panel and on the wire', async () => {
    const a = p.edge.adminToken
    const locked = (await p.edge.api('create_group', { target_group: { name: 'locked', priority: 30 } }, a)).body.group.group_id
    for (const name of ['allow_kasm_clipboard_up', 'allow_kasm_clipboard_down', 'allow_kasm_uploads', 'allow_kasm_downloads'])
      await p.edge.api('update_settings_group', { target_group: { group_id: locked }, target_setting: { name, value: false } }, a)
    await p.edge.api(
      'add_images_group',
      { target_group: { group_id: locked }, target_image: { image_id: p.images.get('SSH password') } },
      a,
    )
    const username = `locked-${randomUUID().slice(0, 8)}@example.com`
    const made = await p.edge.api('create_user', { target_user: { username, password: 'locked-user-password' } }, a)
    await p.edge.api('add_user_group', { target_user: { user_id: made.body.user.user_id }, target_group: { group_id: locked } }, a)

    const page = await browser.context.newPage()
    const modified = await modifiedPage(page)
    // Every Guacamole instruction the page receives, as text: nothing of a clipboard stream may arrive.
    const received: string[] = []
    page.on('websocket', (ws) => ws.on('framereceived', (f) => void received.push(String(f.payload))))
    await signIn(page, p.edge, username, 'locked-user-password')
    await page.getByRole('button', { name: 'Launch SSH password' }).waitFor()
    await open(p, page, 'SSH password')
    await expect.poll(() => page.getByText('Copying out of this session is not allowed.').count()).toBe(1)
    expect(await page.getByLabel('Clipboard from the session').count()).toBe(0)
    expect(await page.getByLabel('Clipboard to the session').count()).toBe(0)
    expect(await page.getByLabel('Upload files').count()).toBe(0)
    let downloads = 0
    page.on('download', () => void downloads++)
    await selectTopRow(page)
    const asked = await askDownload(page)
    await pipeOut(page)
    const typed = `/tmp/oriel-dash-stdin-${randomUUID()}`
    modified.stdin(`touch ${typed}\n`)
    await expect.poll(() => received.some((f) => f.includes('3.ack,2.50,') && f.includes('3.771;'))).toBe(true)
    await page.waitForTimeout(2_000)
    expect(existsSync(typed)).toBe(false)
    expect(received.some((f) => f.includes('9.clipboard'))).toBe(false)
    // guacd (SFTP off) never opens the file; were it opened, the relay would refuse its stream.
    expect(received.some((f) => f.includes('4.file'))).toBe(false)
    expect(received.some((f) => f.includes('4.pipe'))).toBe(false)
    expect(downloads).toBe(0)
    rmSync(asked.path)
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch SSH password' }).waitFor()
    await page.close()
  }, 120_000)
})
