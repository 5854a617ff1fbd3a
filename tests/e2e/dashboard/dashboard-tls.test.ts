// The single-server install behind TLS (seed 002 §3.2, §4.1), as an operator and a user meet it: `npm start`'s
// program with ORIEL_TLS=1 generates a self-signed certificate into the data folder on first start and serves
// HTTPS with it; plain HTTP on the port is refused; the sign-in cookie is Secure; the desktop streams through the
// same origin (wss under /local/agent). An operator's certificate with its chain replaces it; a key that does not
// match stops the start with a message.
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDocker } from '../../support/platform'
import { startStandalone, startTlsPlatform, type Standalone } from '../../support/standalone'
import { SHOTS, desktopShows, launchIn, useBrowser } from './browser'

const PASSWORDS = { ORIEL_ADMIN_PASSWORD: 'Tls-Admin-Pass-1', ORIEL_USER_PASSWORD: 'Tls-User-Pass-1' }
const work = mkdtempSync(join(tmpdir(), 'oriel-tls-'))
const dataDir = join(work, 'data')
const browser = useBrowser({ ignoreHTTPSErrors: true })
let app: Standalone
let env: Record<string, string>
let platform: Awaited<ReturnType<typeof startTlsPlatform>>

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string; issuer?: string }
/** One HTTPS request that trusts only `ca`, as a client given the platform's certificate would. */
function https(url: string, ca: Buffer, o: { method?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: o.method ?? 'GET', ca, headers: { 'Content-Type': 'application/json' } }, (res) => {
      // Read while the socket is still the response's (it is handed back to the pool at the end).
      const issuer = String((res.socket as TLSSocket).getPeerCertificate().issuer?.CN)
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, issuer }))
    })
    req.on('error', reject)
    req.end(o.body)
  })
}

beforeAll(async () => {
  ensureDocker()
  platform = await startTlsPlatform(dataDir, PASSWORDS)
  app = platform.app
  env = platform.settings
}, 300_000)
afterAll(async () => {
  if (app) await platform.remove(app)
  rmSync(work, { recursive: true, force: true })
})

describe('npm start with ORIEL_TLS=1', () => {
  it('generates a certificate into the data folder, serves HTTPS with it, and refuses plain HTTP', async () => {
    expect(app.output()).toContain(`Generated a self-signed TLS certificate: ${join(dataDir, 'certs/oriel.crt')}`)
    expect(app.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const cert = readFileSync(join(dataDir, 'certs/oriel.crt'))
    // Trusting that certificate alone is enough: it names 127.0.0.1.
    const health = await https(`${app.url}/api/__healthcheck`, cert)
    expect([health.status, JSON.parse(health.body).ok]).toEqual([200, true])
    // The port speaks TLS only: a plain HTTP request gets no HTTP answer, nothing is ever served in the clear.
    const plain = await new Promise<string>((resolve) =>
      httpRequest(`${app.url.replace('https:', 'http:')}/api/__healthcheck`, (res) => resolve(`answered ${res.statusCode}`))
        .on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
        .end(),
    )
    expect(['ECONNRESET', 'EPIPE', 'HPE_INVALID_CONSTANT', 'socket hang up']).toContain(plain)
    const login = await https(`${app.url}/api/public/login`, cert, {
      method: 'POST',
      body: JSON.stringify({ username: 'user@kasm.local', password: PASSWORDS.ORIEL_USER_PASSWORD }),
    })
    expect(login.status).toBe(200)
    expect(String(login.headers['set-cookie'])).toMatch(/oriel_session=.*; Secure/)
  })

  it('a user signs in in Chromium and the desktop streams over wss through the same origin', async () => {
    const user = { username: 'user@kasm.local', password: PASSWORDS.ORIEL_USER_PASSWORD }
    const { page, sockets } = await launchIn(browser, app.url, user, 'Debian Desktop')
    await desktopShows(page)
    expect(sockets.some((u) => u.startsWith(`${app.url.replace('https:', 'wss:')}/local/agent/kasm/`))).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'tls-desktop.png') })
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).waitFor()
    await page.close()
  }, 300_000)

  it('keeps its certificate across restarts; an operator’s certificate and chain replace it; a wrong key stops the start', async () => {
    await app.stop()
    app = await startStandalone(dataDir, env)
    expect(app.output()).not.toContain('Generated a self-signed')
    // An operator's CA-signed certificate, the chain concatenated after it (§4.1).
    const pki = join(work, 'pki')
    const name = `Oriel Test CA ${randomUUID().slice(0, 6)}`
    execFileSync('bash', [
      '-c',
      `set -e; mkdir -p '${pki}'; cd '${pki}'
       openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=${name}' -keyout ca.key -out ca.crt 2>/dev/null
       openssl req -newkey rsa:2048 -nodes -subj '/CN=oriel.test' -keyout leaf.key -out leaf.csr 2>/dev/null
       printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > ext
       openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext -out leaf.crt 2>/dev/null
       cat leaf.crt ca.crt > chain.crt
       openssl req -newkey rsa:2048 -nodes -subj '/CN=other' -keyout other.key -out /dev/null 2>/dev/null`,
    ])
    await app.stop()
    app = await startStandalone(dataDir, { ...env, ORIEL_TLS_CERT: join(pki, 'chain.crt'), ORIEL_TLS_KEY: join(pki, 'leaf.key') })
    const health = await https(`${app.url}/api/__healthcheck`, readFileSync(join(pki, 'ca.crt')))
    expect([health.status, health.issuer]).toEqual([200, name])
    await app.stop()
    const refused = await startStandalone(dataDir, {
      ...env,
      ORIEL_TLS_CERT: join(pki, 'chain.crt'),
      ORIEL_TLS_KEY: join(pki, 'other.key'),
    }).catch((err: { output: string }) => err.output)
    expect(refused).toContain(`oriel: the TLS certificate ${join(pki, 'chain.crt')} and key ${join(pki, 'other.key')} do not make a pair`)
    app = await startStandalone(dataDir, env)
  }, 240_000)
})
