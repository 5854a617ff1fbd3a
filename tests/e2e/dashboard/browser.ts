// Chromium (Debian's, driven by playwright-core) against the real platform, for the dashboard tests:
// the browser, sign-in, and a way to tell a painted desktop from a blank canvas.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { launchChromium } from '../../support/chromium'
import type { Edge } from '../../support/platform'

/** Screenshots a person can look at; the folder is git-ignored. */
export const SHOTS = join(import.meta.dirname, '../../../test-artifacts/dashboard')

/** Registers a browser for the file (the dashboard is built first if missing). */
export function useBrowser(o: { ignoreHTTPSErrors?: boolean } = {}) {
  const holder = {} as { context: BrowserContext }
  beforeAll(async () => {
    if (!existsSync(join(import.meta.dirname, '../../../dist/dashboard/index.html')))
      execFileSync('npm', ['run', 'build:dashboard'], { stdio: 'pipe' })
    mkdirSync(SHOTS, { recursive: true })
    holder.context = await launchChromium(o)
  }, 900_000)
  afterAll(async () => holder.context?.close())
  return holder
}

export async function signIn(page: Page, edge: Pick<Edge, 'url'>, username: string, password: string) {
  await page.goto(edge.url)
  // A sign-out clicked just before may still be on its way: if the page opens signed in, sign out first.
  const form = page.getByLabel('Username')
  const signOut = page.getByRole('button', { name: 'Sign out' })
  await form.or(signOut).first().waitFor()
  if (await signOut.isVisible()) {
    await signOut.click()
    await form.waitFor()
  }
  await form.fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** A fresh page signed in as the platform's admin, once the console is up. */
export async function adminPage(browser: { context: BrowserContext }, edge: Edge) {
  const page = await browser.context.newPage()
  await signIn(page, edge, 'admin@kasm.local', 'e2e-admin-password')
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
  return page
}

/** Distinct colours (4 bits a channel) on the noVNC canvas: a blank screen has one. */
export const canvasColours = (page: Page) =>
  page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.screen canvas')
    if (!canvas || canvas.width === 0) return 0
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
    const seen = new Set<number>()
    for (let i = 0; i < data.length; i += 16) seen.add(((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4))
    return seen.size
  })

/**
 * A new page that signs in at `url` and clicks the workspace's tile; the page's WebSocket URLs are collected,
 * so a test can tell which agent or proxy the stream went to.
 */
export async function launchIn(
  browser: { context: BrowserContext },
  url: string,
  user: { username: string; password: string },
  workspace: string,
) {
  const page = await browser.context.newPage()
  const sockets: string[] = []
  page.on('websocket', (ws) => void sockets.push(ws.url()))
  await signIn(page, { url }, user.username, user.password)
  await page.getByRole('button', { name: `Launch ${workspace}` }).click({ timeout: 60_000 })
  return { page, sockets }
}

/** A container desktop connected and painted (more than two colours on its canvas). */
export async function desktopShows(page: Page, timeout = 120_000) {
  await page.locator('.screen[data-connected="yes"] canvas').waitFor({ timeout })
  await expect.poll(() => canvasColours(page), { timeout: 30_000 }).toBeGreaterThan(2)
}
