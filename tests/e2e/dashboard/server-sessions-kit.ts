// The platform the dashboard's server-session tests share: the edge, guacd, an sshd with a password login, one
// conn-proxy daemon, and a user whose group holds the "SSH password" workspace; plus reading the remote screen
// off guacamole-common-js's canvases. A file adds its own targets with `before`/`after`.
import { randomUUID } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { startConnProxyProcess, type ConnProxyProcess } from '../../support/conn-proxy-process'
import { startGuacd, type Guacd } from '../../support/guacd'
import { startEdge, type Edge } from '../../support/platform'
import { startSshd, type SshTarget } from '../../support/targets'
import { SHOTS } from './browser'

export const PASSWORD_USER = { name: 'orielpw', password: 'Sérvér-Pässwörd-ü1' }

export type ServerPlatform = {
  edge: Edge
  ssh: SshTarget
  proxy: ConnProxyProcess
  user: { username: string; password: string; userId: string; token: string }
  /** Workspace ids by name. */
  images: Map<string, string>
  /** A Server workspace on a new server, in the user's group. */
  serverWorkspace: (name: string, server: Record<string, unknown>) => Promise<void>
  /** An SSH server's fields for this platform's sshd. */
  sshServer: (fields: Record<string, unknown>) => Record<string, unknown>
}

/**
 * Registers the platform's hooks (before any the file registers after it). `before` starts the file's own
 * targets and may give the proxy environment (a KasmVNC certificate to trust); `after` stops them.
 */
export function useServerPlatform(
  o: { sshUsers?: { name: string; password: string }[]; before?: () => Promise<Record<string, string>>; after?: () => Promise<void> } = {},
) {
  const p = { images: new Map<string, string>() } as ServerPlatform
  let guacd: Guacd | undefined
  let group = ''
  beforeAll(async () => {
    const proxyEnv = (await o.before?.()) ?? {}
    let edge: Edge
    ;[edge, guacd, p.ssh] = await Promise.all([startEdge(), startGuacd(), startSshd([PASSWORD_USER, ...(o.sshUsers ?? [])])])
    p.edge = edge
    p.proxy = await startConnProxyProcess(edge, { guacdPort: guacd.port, name: 'dashboard-proxy', env: proxyEnv })
    const a = edge.adminToken
    group = (await edge.api('create_group', { target_group: { name: 'server users', priority: 40 } }, a)).body.group.group_id
    await edge.api(
      'update_settings_group',
      { target_group: { group_id: group }, target_setting: { name: 'max_kasms_per_user', value: 0 } },
      a,
    )
    const username = `dash-${randomUUID().slice(0, 8)}@example.com`
    const made = await edge.api('create_user', { target_user: { username, password: 'dash-user-password' } }, a)
    await edge.api('add_user_group', { target_user: { user_id: made.body.user.user_id }, target_group: { group_id: group } }, a)
    const token = (await edge.api('login', { username, password: 'dash-user-password' })).body.token
    p.user = { username, password: 'dash-user-password', userId: made.body.user.user_id, token }
    p.sshServer = (fields) => ({ connection_type: 'SSH', ip_hostname: p.ssh.host, port: p.ssh.port, ...fields })
    p.serverWorkspace = async (name, server) => {
      const s = await edge.api(
        'create_server',
        { target_server: { name, zone_name: 'default', max_simultaneous_sessions: 10, ...server } },
        a,
      )
      expect(s.status, JSON.stringify(s.body)).toBe(200)
      const image = await edge.api(
        'create_image',
        { target_image: { friendly_name: name, image_type: 'Server', server_id: s.body.server.server_id } },
        a,
      )
      expect(image.status, JSON.stringify(image.body)).toBe(200)
      await edge.api('add_images_group', { target_group: { group_id: group }, target_image: { image_id: image.body.image.image_id } }, a)
      p.images.set(name, image.body.image.image_id)
    }
    await p.serverWorkspace(
      'SSH password',
      p.sshServer({
        connection_credential_type: 'STATIC',
        connection_username: PASSWORD_USER.name,
        connection_password: PASSWORD_USER.password,
      }),
    )
  }, 900_000)
  // A case that fails part way must not leave its session to fail the next one's "no session left" check.
  afterEach(async () => {
    const left = ((await p.edge.api('get_kasms', {}, p.edge.adminToken)).body.kasms ?? []) as { kasm_id: string }[]
    for (const k of left) await p.edge.api('destroy_kasm', { kasm_id: k.kasm_id }, p.edge.adminToken)
  })
  afterAll(async () => {
    await p.proxy?.stop()
    await p.ssh?.stop()
    await o.after?.()
    guacd?.stop()
    await p.edge?.close?.()
  })
  return p
}

/** The display's layers as guacamole-common-js draws them: distinct colours (4 bits a channel) and a checksum. */
export const screen = (page: Page, canvases = '.guac-display canvas') =>
  page.evaluate((canvases) => {
    const seen = new Set<number>()
    let sum = 0
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>(canvases)) {
      if (canvas.width === 0 || canvas.height === 0) continue
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      for (let i = 0; i < data.length; i += 4) {
        seen.add(((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4))
        sum = (sum * 31 + data[i]! + data[i + 1]! * 7 + data[i + 2]! * 13) % 2_147_483_647
      }
    }
    return { colours: seen.size, sum }
  }, canvases)

/** From the workspaces page, clicks the workspace's tile and waits for the remote screen's pixels. */
export async function open(p: ServerPlatform, page: Page, workspace: string) {
  await page.goto(p.edge.url)
  await page.getByRole('button', { name: `Launch ${workspace}` }).click()
  await page.locator('.screen.guac[data-connected="yes"]').waitFor({ timeout: 60_000 })
  await expect.poll(async () => (await screen(page)).colours, { timeout: 20_000 }).toBeGreaterThan(1)
}

/** Types a command that leaves a file on the server (the tests run there as root), and sees the screen change. */
export async function typeAndSee(page: Page, shot: string, display = { canvases: '.guac-display canvas', focus: '.guac-display' }) {
  await page.waitForTimeout(1_000)
  const before = await screen(page, display.canvases)
  const file = `/tmp/oriel-dash-${randomUUID()}`
  await page.locator(display.focus).focus()
  await page.keyboard.type(`touch ${file}`)
  await page.keyboard.press('Enter')
  await expect.poll(() => existsSync(file), { timeout: 15_000 }).toBe(true)
  await expect.poll(async () => (await screen(page, display.canvases)).sum, { timeout: 10_000 }).not.toBe(before.sum)
  await page.screenshot({ path: join(SHOTS, `${shot}.png`) })
  rmSync(file)
}

/** Delete session: back to the workspaces, and the edge has no session left for the user. */
export async function deleteSession(p: ServerPlatform, page: Page) {
  await page.getByRole('button', { name: 'Delete session' }).click()
  await page.getByRole('button', { name: 'Launch SSH password' }).waitFor()
  const mine = async () =>
    ((await p.edge.api('get_kasms', {}, p.edge.adminToken)).body.kasms as { user_id: string }[]).filter((k) => k.user_id === p.user.userId)
  await expect.poll(async () => (await mine()).length, { timeout: 15_000 }).toBe(0)
}
