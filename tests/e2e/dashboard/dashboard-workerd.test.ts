// The Workers build in real Chromium: `wrangler dev --local` serves the dashboard from its [assets]
// binding (dist/dashboard) and runs the Worker for /api/* (run_worker_first), which reaches the
// test Postgres through the Neon driver and the ws→TCP proxy, as the workerd API tests do.
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { SHOTS, useBrowser } from './browser'
import { freePort, waitFor } from '../../support/platform'
import { TEMPLATE_ADMIN_PASSWORD, TEMPLATE_DB, TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from '../../support/constants'

const pg = createRequire(import.meta.url)('pg') as typeof import('pg')
const ROOT = join(import.meta.dirname, '../../..')
const ADMIN = 'admin@kasm.local'
/** wrangler bundles the Worker with esbuild and starts workerd; a few seconds here, more on a busy box. */
const START_TIMEOUT_MS = 120_000

const browser = useBrowser()
const worker = { url: '', log: '' }
let child: ChildProcess | undefined
let dir = ''
const database = `e2e_workerd_${crypto.randomUUID().replaceAll('-', '')}`
const baseUrl = inject('pgBaseUrl')

async function sql(text: string) {
  const client = new pg.Client({ connectionString: baseUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

beforeAll(async () => {
  // A clone of the migrated, bootstrapped template: the admin's password is the template's.
  await sql(`create database ${database} template ${TEMPLATE_DB}`)
  dir = mkdtempSync(join(tmpdir(), 'oriel-wrangler-'))
  // Single quotes: dotenv takes the value literally (the signing key is JSON).
  const vars = {
    DATABASE_URL: baseUrl.replace(/\/[^/]*$/, `/${database}`),
    WS_PROXY: `127.0.0.1:${inject('wsProxyPort')}`,
    SESSION_SECRET: TEST_SESSION_SECRET,
    EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY,
    SECRETS_KEY: TEST_SECRETS_KEY,
  }
  writeFileSync(
    join(dir, 'worker.env'),
    Object.entries(vars)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n'),
  )
  const [port, inspector] = [await freePort(), await freePort()]
  child = spawn(
    join(ROOT, 'node_modules/.bin/wrangler'),
    [
      'dev',
      '--local',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(inspector),
      '--env-file',
      join(dir, 'worker.env'),
      '--persist-to',
      join(dir, 'state'),
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: ROOT,
      detached: true, // its own process group, so workerd goes with it
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: 'false',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false',
        WRANGLER_HIDE_BANNER: 'true',
        XDG_CONFIG_HOME: join(dir, 'config'),
        WRANGLER_LOG_PATH: join(dir, 'logs'),
        CI: '1',
      },
    },
  )
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (b: Buffer) => void (worker.log += b.toString()))
  worker.url = `http://127.0.0.1:${port}`
  await waitFor(
    async () => {
      if (child?.exitCode !== null) throw new Error(`wrangler dev exited (${child?.exitCode}):\n${worker.log}`)
      return fetch(worker.url).then(
        (r) => r.ok,
        () => false,
      )
    },
    START_TIMEOUT_MS,
    `wrangler dev to serve ${worker.url}`,
  )
}, START_TIMEOUT_MS + 30_000)

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r))
    process.kill(-child.pid, 'SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
    if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  }
  await sql(`drop database if exists ${database} with (force)`).catch(() => {})
  if (dir) rmSync(dir, { recursive: true, force: true })
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
