// The connection proxies page (Kasm: Infrastructure → Connection Proxies) in real Chromium against the real
// edge: a proxy enrolled with signed requests, as the conn-proxy daemon enrols, is listed with its last
// reported load; disable, drain and delete change what the API answers; who may see and use the page.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../../edge/src/clock'
import type { TestContext } from '../../support/context'
import { startEdge, type Edge } from '../../support/platform'
import { enrolTestProxy } from '../../support/test-agent'
import { adminPage, SHOTS, signIn, useBrowser } from './browser'

const edge = {} as Edge
beforeAll(async () => void Object.assign(edge, await startEdge()), 120_000)
afterAll(async () => edge.close?.())
const browser = useBrowser()
const api = (verb: string, body: Record<string, unknown>) => edge.api(verb, body, edge.adminToken)
const suffix = () => crypto.randomUUID().slice(0, 6)

/**
 * A proxy enrolled through the real /api/proxy/enroll over HTTP: the shared helper signs with the real codec and
 * needs only a way to send requests and a clock, which this adapter gives it for the edge on its port.
 */
async function enrolProxy(name: string) {
  const zones = (await api('get_zones', {})).body.zones as { zone_id: string; zone_name: string }[]
  const reg = await api('create_registration_token', {
    target_registration_token: { zone_id: zones.find((z) => z.zone_name === 'default')!.zone_id },
  })
  const overHttp = {
    app: { request: (path: string, init: RequestInit) => fetch(`${edge.url}${path}`, init) },
    clock: systemClock,
  } as unknown as TestContext
  return enrolTestProxy(overHttp, reg.body.registration_token.token, { name, clusterSize: 3 })
}

type Listed = { connection_proxy_id: string; name: string; enabled: boolean; draining: boolean }
const listed = async (name: string) =>
  ((await api('get_connection_proxies', {})).body.connection_proxies as Listed[]).find((p) => p.name === name)

async function proxiesPage(page: Page) {
  await page.getByRole('link', { name: 'Connection proxies' }).click()
  await page.getByRole('heading', { name: 'Connection proxies' }).waitFor()
}
const row = (page: Page, name: string) =>
  page.getByRole('table', { name: 'Connection proxies' }).getByRole('row', { name: new RegExp(name) })
const cells = (page: Page, name: string) => row(page, name).getByRole('cell').allTextContents()
const status = (page: Page) => page.getByRole('status').first().textContent()

/** A user whose one group holds exactly `permissions`, signed in on a fresh page. */
async function userWith(permissions: string[]) {
  const group = (
    await api('create_group', { target_group: { name: `Proxies ${suffix()}`, priority: 700 + Math.floor(Math.random() * 50_000) } })
  ).body.group
  if (permissions.length)
    await api('add_permissions_group', { target_group: { group_id: group.group_id }, target_permissions: permissions })
  const username = `ops-${suffix()}@example.com`
  const user = (await api('create_user', { target_user: { username, password: 'ops-password-1' } })).body.user
  await api('add_user_group', { target_user: { user_id: user.user_id }, target_group: { group_id: group.group_id } })
  const page = await browser.context.newPage()
  await signIn(page, edge, username, 'ops-password-1')
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
  return page
}

describe('the connection proxies page', () => {
  it('lists an enrolled proxy with its status, zone and last reported load', async () => {
    const name = `guac-${suffix()}`
    const proxy = await enrolProxy(name)
    expect((await proxy.heartbeat({ connections: 7, cpu_percent: 40.4, cluster_size: 3 })).status).toBe(200)
    const page = await adminPage(browser, edge)
    await proxiesPage(page)
    await expect
      .poll(() => cells(page, name))
      .toEqual([name, 'online', 'default', '127.0.0.1:9', '7', '40 %', '3', expect.any(String), '—', 'DisableDrainDelete'])
    const lastSeen = (await cells(page, name))[7]!
    expect(lastSeen).not.toBe('—')
    await page.screenshot({ path: join(SHOTS, 'admin-connection-proxies.png'), fullPage: true })
    await page.close()
  })

  it('disables, enables, drains and deletes a proxy; each change is what the API then answers', async () => {
    const name = `guac-${suffix()}`
    await enrolProxy(name)
    const page = await adminPage(browser, edge)
    await proxiesPage(page)
    await row(page, name).getByRole('button', { name: 'Disable' }).click()
    await expect.poll(() => status(page)).toBe(`Disabled ${name}`)
    expect(await listed(name)).toMatchObject({ enabled: false, draining: false })
    expect((await cells(page, name))[1]).toBe('disabled')

    await row(page, name).getByRole('button', { name: 'Enable' }).click()
    await expect.poll(() => status(page)).toBe(`Enabled ${name}`)
    expect(await listed(name)).toMatchObject({ enabled: true, draining: false })

    await row(page, name).getByRole('button', { name: 'Drain' }).click()
    await expect.poll(() => status(page)).toBe(`Draining ${name}`)
    expect(await listed(name)).toMatchObject({ enabled: true, draining: true })
    expect((await cells(page, name))[1]).toBe('online, draining')
    await row(page, name).getByRole('button', { name: 'Stop draining' }).click()
    await expect.poll(() => status(page)).toBe(`Stopped draining ${name}`)
    expect(await listed(name)).toMatchObject({ draining: false })

    // Declining the confirmation deletes nothing; accepting it does.
    page.once('dialog', (d) => void d.dismiss())
    await row(page, name).getByRole('button', { name: 'Delete' }).click()
    expect(await listed(name)).toBeDefined()
    const dialogs: string[] = []
    page.once('dialog', (d) => void (dialogs.push(d.message()), d.accept()))
    await row(page, name).getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => status(page)).toBe(`Deleted ${name}`)
    expect(dialogs).toEqual([
      `Delete the connection proxy ${name}? Its connections end, and it must enrol again with a new registration token.`,
    ])
    expect(await listed(name)).toBeUndefined()
    expect(await row(page, name).count()).toBe(0)
    await page.close()
  })

  it('is hidden from a user without connection_proxies_view, and read-only with the view permission alone', async () => {
    const name = `guac-${suffix()}`
    await enrolProxy(name)
    const none = await userWith([])
    expect(await none.getByRole('link', { name: 'Connection proxies' }).count()).toBe(0)
    await none.goto(`${edge.url}/#/admin/connection-proxies`)
    await expect.poll(() => none.getByRole('alert').textContent()).toBe('This page does not exist, or you may not see it.')
    expect(await none.getByRole('table', { name: 'Connection proxies' }).count()).toBe(0)
    await none.close()

    const viewer = await userWith(['connection_proxies_view'])
    await proxiesPage(viewer)
    await row(viewer, name).waitFor()
    expect(await viewer.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0)
    expect(await row(viewer, name).getByRole('button').count()).toBe(0)
    // Without zones_view the zone shows as its id.
    expect((await cells(viewer, name))[2]).toMatch(/^[0-9a-f]{32}$/)
    await viewer.close()

    const operator = await userWith(['connection_proxies_view', 'connection_proxies_modify'])
    await proxiesPage(operator)
    await row(operator, name).getByRole('button', { name: 'Drain' }).click()
    await expect.poll(() => status(operator)).toBe(`Draining ${name}`)
    expect(await listed(name)).toMatchObject({ draining: true })
    expect(await row(operator, name).getByRole('button', { name: 'Delete' }).count()).toBe(0)
    await operator.close()
  })
})
