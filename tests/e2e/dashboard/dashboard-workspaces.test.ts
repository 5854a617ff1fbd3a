// The workspace form in real Chromium against the real edge: Exec Config checked as you type, Link
// workspaces, and Server / Server Pool workspaces that pick their target from lists. No agent: nothing
// here starts a session.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adminPage, SHOTS, useBrowser } from './browser'
import { startEdge, type Edge } from '../../support/platform'

const edge = {} as Edge
beforeAll(async () => void Object.assign(edge, await startEdge()), 120_000)
afterAll(async () => edge.close?.())
const browser = useBrowser()
const api = (verb: string, body: Record<string, unknown>) => edge.api(verb, body, edge.adminToken)
const suffix = () => crypto.randomUUID().slice(0, 6)
const asAdmin = () => adminPage(browser, edge)

describe('the workspace form', () => {
  it('checks the Exec Config as you type and saves it; a Link workspace needs its URL, as the edge says', async () => {
    const page = await asAdmin()
    await page.getByRole('link', { name: 'Workspaces' }).click()
    const name = `Exec ${suffix()}`
    await page.getByLabel('Friendly name').fill(name)
    await page.getByLabel('Docker image').fill('oriel/desktop:1.0')
    const exec = page.getByLabel('Docker Exec Config (JSON)')
    await exec.fill('{"first_launch": {"cmd": "echo hi"')
    await expect.poll(() => page.locator('form .error').first().textContent()).toMatch(/is not valid JSON/)
    await exec.fill('{"first_launch": {"cmd": ""}}')
    await expect.poll(() => page.locator('form .error').allTextContents()).toEqual(['first_launch.cmd: must not be empty'])
    await exec.fill('{"on_boot": {"cmd": "id"}}')
    await expect.poll(() => page.locator('form .error').allTextContents()).toEqual(['on_boot: is not a known field'])
    expect(await page.getByRole('button', { name: 'Create workspace' }).isDisabled()).toBe(true)
    const execConfig = { first_launch: { cmd: 'touch /tmp/first', user: 'root' }, go: { cmd: 'xdg-open "$URL"' } }
    await exec.fill(JSON.stringify(execConfig))
    await page.getByRole('button', { name: 'Create workspace' }).click()
    await page.getByRole('cell', { name, exact: true }).waitFor()
    const images = async () =>
      (await api('get_images', {})).body.images as {
        friendly_name: string
        image_type: string
        exec_config: unknown
        link_url: string | null
      }[]
    expect((await images()).find((i) => i.friendly_name === name)?.exec_config).toEqual(execConfig)

    const link = `Wiki ${suffix()}`
    await page.getByLabel('Workspace type').selectOption('Link')
    expect(await page.getByLabel('Docker image').count()).toBe(0)
    await page.getByLabel('Friendly name').fill(link)
    await page.getByLabel('Link URL').fill('wiki.example.com')
    await page.getByText('must be a URL').waitFor()
    await page.getByLabel('Link URL').fill('')
    await page.getByRole('button', { name: 'Create workspace' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/a Link workspace needs a URL/)
    await page.getByLabel('Link URL').fill('https://wiki.example.com/start')
    await page.getByRole('button', { name: 'Create workspace' }).click()
    const row = page.getByRole('row', { name: new RegExp(link) })
    await row.waitFor()
    expect(await row.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['Link', 'https://wiki.example.com/start']))
    expect((await images()).find((i) => i.friendly_name === link)).toMatchObject({
      image_type: 'Link',
      link_url: 'https://wiki.example.com/start',
    })
    await row.getByRole('button', { name: 'Edit' }).click()
    expect(await page.getByLabel('Workspace type').inputValue()).toBe('Link')
    expect(await page.getByLabel('Link URL').inputValue()).toBe('https://wiki.example.com/start')
    await page.screenshot({ path: join(SHOTS, 'admin-workspace-link.png'), fullPage: true })
    await page.getByRole('link', { name: 'Oriel' }).click()
    expect(await page.getByRole('link', { name: `Open ${link}` }).getAttribute('href')).toBe('https://wiki.example.com/start')
    expect(await page.getByRole('button', { name: `Launch ${link}` }).count()).toBe(0)
    await page.close()
  })

  it('points a Server workspace at a server chosen from the list, and a Server Pool one at a Server pool', async () => {
    const server = (
      await api('create_server', {
        target_server: {
          name: `Bastion ${suffix()}`,
          zone_name: 'default',
          connection_type: 'SSH',
          connection_credential_type: 'STATIC',
          ip_hostname: 'bastion.example',
          port: 22,
        },
      })
    ).body.server
    const pool = (
      await api('create_server_pool', { target_server_pool: { server_pool_name: `Desks ${suffix()}`, server_pool_type: 'Server' } })
    ).body.server_pool
    const agentPool = (
      await api('create_server_pool', { target_server_pool: { server_pool_name: `Agents ${suffix()}`, server_pool_type: 'Docker Agent' } })
    ).body.server_pool
    const page = await asAdmin()
    await page.getByRole('link', { name: 'Workspaces' }).click()
    const name = `SSH ${suffix()}`
    await page.getByLabel('Workspace type').selectOption('Server')
    await page.getByLabel('Friendly name').fill(name)
    await page.getByLabel('Server', { exact: true }).selectOption({ label: `${server.name} (SSH bastion.example:22)` })
    await page.getByRole('button', { name: 'Create workspace' }).click()
    await page.getByRole('cell', { name, exact: true }).waitFor()
    const images = (await api('get_images', {})).body.images as { friendly_name: string; server_id: string | null }[]
    expect(images.find((i) => i.friendly_name === name)?.server_id).toBe(server.server_id)
    await page.getByLabel('Workspace type').selectOption('Server Pool')
    const options = await page.getByLabel('Server pool').locator('option').allTextContents()
    expect(options).toContain(pool.server_pool_name)
    expect(options).not.toContain(agentPool.server_pool_name)
    await page.close()
  })
})
