// What the servers pages' browser tests share: an edge without an agent (fixed servers are rows in the edge;
// nothing here starts a session), a browser, and the page's parts as the tests look for them.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { startEdge, type Edge } from '../../support/platform'
import { adminPage, useBrowser } from './browser'

/** Registers the file's edge and browser, and returns the servers page's helpers. */
export function useServersPage() {
  const edge = {} as Edge
  beforeAll(async () => void Object.assign(edge, await startEdge()), 120_000)
  afterAll(async () => edge.close?.())
  const browser = useBrowser()
  const api = (verb: string, body: Record<string, unknown>) => edge.api(verb, body, edge.adminToken)

  /** Opens the Create server form with the fields every server has filled in. */
  async function newServerForm(page: Page, name: string, type: string, host: string, port: string) {
    await page.getByRole('button', { name: 'Add server' }).click()
    const form = page.getByRole('form', { name: 'Create server' })
    await form.getByLabel('Friendly Name').fill(name)
    await form.getByLabel('Connection Type').selectOption(type)
    await form.getByLabel('IP/Hostname').fill(host)
    await form.getByLabel('Connection Port').fill(port)
    return form
  }

  async function serversPage() {
    const page = await adminPage(browser, edge)
    await page.getByRole('link', { name: 'Servers' }).click()
    await page.getByRole('heading', { name: 'Servers', exact: true }).waitFor()
    return page
  }
  const serverNames = (page: Page) =>
    page.getByRole('table', { name: 'Servers', exact: true }).locator('tbody tr td:first-child').allTextContents()
  const status = (page: Page) => page.getByRole('status').first().textContent()
  const problems = (page: Page, field: string) => page.locator(`#server-${field}-errors .error`).allTextContents()
  const listServers = async () => (await api('get_servers', {})).body.servers as Record<string, any>[]

  return { edge, browser, api, newServerForm, serversPage, serverNames, status, problems, listServers }
}
