// The Workers build in real Chromium: `wrangler dev --local` serves the dashboard from its [assets]
// binding (dist/dashboard) and runs the Worker for /api/* (run_worker_first), which reaches the
// test Postgres through the Neon driver and the ws→TCP proxy, as the workerd API tests do.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { SHOTS, useBrowser } from './browser'
import { TEMPLATE_ADMIN_PASSWORD, TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from '../../support/constants'
import { cloneTemplate, startWranglerDev, WRANGLER_START_TIMEOUT_MS, type WranglerDev } from '../../support/wrangler-dev'

const ADMIN = 'admin@kasm.local'

const browser = useBrowser()
const worker = { url: '' }
let dev: WranglerDev | undefined
let database: Awaited<ReturnType<typeof cloneTemplate>> | undefined

beforeAll(async () => {
  database = await cloneTemplate(inject('pgBaseUrl'), 'e2e_workerd')
  dev = await startWranglerDev({
    vars: {
      DATABASE_URL: database.url,
      WS_PROXY: `127.0.0.1:${inject('wsProxyPort')}`,
      SESSION_SECRET: TEST_SESSION_SECRET,
      EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY,
      SECRETS_KEY: TEST_SECRETS_KEY,
    },
  })
  worker.url = dev.url
}, WRANGLER_START_TIMEOUT_MS + 30_000)

afterAll(async () => {
  await dev?.stop()
  await database?.drop().catch(() => {})
})

async function call(verb: string, body: Record<string, unknown>, token?: string) {
  const res = await fetch(`${worker.url}/api/public/${verb}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

describe('the dashboard on the Workers build (wrangler dev, workerd)', () => {
  it('serves the app and its API from one origin; an admin signs in, sees the workspace grid and an admin page', async () => {
    const index = await fetch(`${worker.url}/some/deep/path`)
    expect([index.status, (await index.text()).includes('<div id="app">')]).toEqual([200, true])
    const login = await call('login', { username: ADMIN, password: TEMPLATE_ADMIN_PASSWORD })
    expect(login.status).toBe(200)
    const name = `Workers Desktop ${crypto.randomUUID().slice(0, 6)}`
    expect(
      (
        await call(
          'create_image',
          { target_image: { friendly_name: name, name: 'oriel/desktop:1.0', description: 'Served by workerd' } },
          login.body.token,
        )
      ).status,
    ).toBe(200)

    const page = await browser.context.newPage()
    const scripts: string[] = []
    page.on('response', (r) => void (r.url().endsWith('.js') && scripts.push(new URL(r.url()).pathname)))
    await page.goto(worker.url)
    await page.getByLabel('Username').fill(ADMIN)
    await page.getByLabel('Password').fill(TEMPLATE_ADMIN_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('button', { name: `Launch ${name}` }).waitFor()
    await page.getByText('Served by workerd').waitFor()
    expect(scripts.some((s) => s.includes('/console-'))).toBe(false) // the admin console is not loaded for the launcher
    await page.screenshot({ path: join(SHOTS, 'workerd-launcher.png') })

    await page.getByRole('link', { name: 'Users' }).click()
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: ADMIN }).waitFor()
    expect(scripts.some((s) => s.includes('/console-'))).toBe(true)
    await page.getByRole('link', { name: 'Groups' }).click()
    await page.getByRole('link', { name: 'Administrators' }).click()
    await page.getByRole('heading', { name: 'Group: Administrators' }).waitFor()
    await expect.poll(() => page.getByRole('checkbox', { name: 'global_admin' }).isChecked()).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'workerd-admin-group.png'), fullPage: true })
    await page.close()
  }, 120_000)
})
