// Debian's Chromium, driven by playwright-core, for the dashboard's browser tests and its benchmark: one place
// that says which binary runs and with which switches.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

/**
 * Headless, without the sandbox (Chromium refuses to start as root with it), the GPU or QUIC, and without the
 * background traffic a first run starts (component updates, sync): only the requests a test or a bench makes.
 */
const LAUNCH_OPTIONS = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
}

/**
 * A browser context in a fresh profile folder, 1280×800: what a test drives pages in. `ignoreHTTPSErrors`: a
 * user who accepted the platform's self-signed certificate (its own tests check the certificate itself).
 */
export const launchChromium = (o: { ignoreHTTPSErrors?: boolean } = {}) =>
  chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'oriel-chromium-')), {
    ...LAUNCH_OPTIONS,
    viewport: { width: 1280, height: 800 },
    ...o,
  })

/** The browser itself: each `newContext()` starts empty (no cache, no cookies), as a first visit does. */
export const launchChromiumBrowser = () => chromium.launch(LAUNCH_OPTIONS)
