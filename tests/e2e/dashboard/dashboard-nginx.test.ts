// Behind the seed's reverse proxy (seed 002 §7.3): Debian's nginx with that server block, adapted only in its
// ports and paths, in front of `npm start`'s program serving HTTPS. In Chromium: sign in, launch the desktop and see
// it stream (the WebSocket goes through nginx, "required for streaming"). The edge takes the client's address and
// scheme from nginx's headers because nginx is a trusted proxy, and from nobody else.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDocker, freePort, waitFor } from '../../support/platform'
import { startTlsPlatform, type Standalone } from '../../support/standalone'
import { desktopShows, launchIn, SHOTS, useBrowser } from './browser'

const PASSWORDS = { ORIEL_ADMIN_PASSWORD: 'Nginx-Admin-Pass-1', ORIEL_USER_PASSWORD: 'Nginx-User-Pass-1' }
const work = mkdtempSync(join(tmpdir(), 'oriel-nginx-'))
const browser = useBrowser({ ignoreHTTPSErrors: true })
let app: Standalone
let platform: Awaited<ReturnType<typeof startTlsPlatform>>
let nginx: ChildProcess
let front = ''

/** The seed's server block; only the listen address, the certificate paths and the upstream port differ. */
const config = (port: number, upstream: number) => `
worker_processes 1;
pid ${work}/nginx.pid;
error_log ${work}/error.log;
events {}
http {
  access_log ${work}/access.log;
  client_body_temp_path ${work}/body;
  proxy_temp_path ${work}/proxy;
  server {
    listen 127.0.0.1:${port} ssl;
    server_name kasm.example.com;
    ssl_certificate ${work}/fullchain.pem;
    ssl_certificate_key ${work}/privkey.pem;
    location / {
      proxy_pass https://127.0.0.1:${upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # WebSocket support (required for streaming)
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 1800s;
      proxy_send_timeout 1800s;
    }
  }
}
`

beforeAll(async () => {
  ensureDocker()
  const nginxPort = await freePort()
  front = `https://127.0.0.1:${nginxPort}`
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=kasm.example.com',
      '-addext',
      'subjectAltName=DNS:kasm.example.com,IP:127.0.0.1',
      '-keyout',
      join(work, 'privkey.pem'),
      '-out',
      join(work, 'fullchain.pem'),
    ],
    { stdio: 'pipe' },
  )
  platform = await startTlsPlatform(join(work, 'data'), {
    ...PASSWORDS,
    ORIEL_TRUSTED_PROXIES: '127.0.0.1',
    ORIEL_PUBLIC_URL: front,
  })
  app = platform.app
  const port = Number(platform.settings.PORT)
  for (const d of ['body', 'proxy']) mkdirSync(join(work, d))
  writeFileSync(join(work, 'nginx.conf'), config(nginxPort, port))
  nginx = spawn('nginx', ['-c', join(work, 'nginx.conf'), '-p', work, '-g', 'daemon off;'], { stdio: 'ignore' })
  await waitFor(
    async () => {
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(join(work, 'error.log'), 'utf8')}`)
      return (await get(`${front}/api/__healthcheck`).catch(() => ({ status: 0 }))).status === 200
    },
    30_000,
    'nginx to answer',
  )
}, 300_000)
afterAll(async () => {
  nginx?.kill('SIGTERM')
  if (app) await platform.remove(app)
  rmSync(work, { recursive: true, force: true })
})

/** A request through nginx from a chosen loopback address, trusting nginx's certificate. */
function get(
  url: string,
  o: { from?: string; method?: string; body?: string } = {},
): Promise<{ status: number; body: string; cookie: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: o.method ?? 'GET',
        ca: readFileSync(join(work, 'fullchain.pem')),
        servername: 'kasm.example.com',
        localAddress: o.from,
        headers: { 'Content-Type': 'application/json' },
      },
      (res) => {
        let body = ''
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode!, body, cookie: String(res.headers['set-cookie'] ?? '') }))
      },
    )
    req.on('error', reject)
    req.end(o.body)
  })
}

describe('behind the seed’s nginx', () => {
  it('signs in through it; the edge counts the client’s address from nginx’s X-Forwarded-For and sets a Secure cookie', async () => {
    const failed = await get(`${front}/api/public/login`, {
      from: '127.0.0.7',
      method: 'POST',
      body: JSON.stringify({ username: 'user@kasm.local', password: 'not-the-password' }),
    })
    expect(failed.status).toBe(401)
    // nginx connects from 127.0.0.1; the sign-in failure is the client's, at 127.0.0.7.
    await expect.poll(() => app.output()).toMatch(/"msg":"sign-in failed"[^\n]*"client_address":"127\.0\.0\.7"/)
    const ok = await get(`${front}/api/public/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'user@kasm.local', password: PASSWORDS.ORIEL_USER_PASSWORD }),
    })
    expect(ok.status).toBe(200)
    expect(ok.cookie).toMatch(/oriel_session=.*; Secure/)
  })

  it('streams a desktop through nginx in Chromium', async () => {
    const user = { username: 'user@kasm.local', password: PASSWORDS.ORIEL_USER_PASSWORD }
    const { page, sockets } = await launchIn(browser, front, user, 'Debian Desktop')
    await desktopShows(page)
    expect(sockets.some((u) => u.startsWith(`${front.replace('https:', 'wss:')}/local/agent/kasm/`))).toBe(true)
    await page.screenshot({ path: join(SHOTS, 'nginx-desktop.png') })
    await page.getByRole('button', { name: 'Delete session' }).click()
    await page.getByRole('button', { name: 'Launch Debian Desktop' }).waitFor()
    await page.close()
    // The stream's upgrade went through nginx: its access log has the 101 once the stream has closed.
    await expect
      .poll(() => readFileSync(join(work, 'access.log'), 'utf8'))
      .toMatch(/"GET \/local\/agent\/kasm\/[0-9a-f-]+\/vnc\?token=[^"]* HTTP\/1\.1" 101 /)
  }, 300_000)
})
