// Sign-in on the deployed Worker's own wiring (edge/src/index.ts): the client is CF-Connecting-IP
// whatever X-Forwarded-For says, the cookie is Secure by the URL's scheme, and the account slowdown
// waits on a real workerd timer.
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { TEMPLATE_ADMIN_PASSWORD } from '../support/constants'

const worker = (exports as unknown as { default: { fetch: (req: Request) => Promise<Response> } }).default
const login = (body: unknown, headers: Record<string, string>, origin = 'http://edge.test') =>
  worker.fetch(
    new Request(`${origin}/api/public/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  )

describe('sign-in on the Worker', () => {
  it('counts failures against CF-Connecting-IP, never X-Forwarded-For', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await login(
        { username: `spray-${crypto.randomUUID()}@example.com`, password: 'guess' },
        { 'CF-Connecting-IP': '192.0.2.50', 'X-Forwarded-For': `198.51.100.${i}` },
      )
      expect(res.status).toBe(401)
    }
    const blocked = await login(
      { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD },
      { 'CF-Connecting-IP': '192.0.2.50', 'X-Forwarded-For': '198.51.100.99' },
    )
    expect(blocked.status).toBe(429)
  })

  it('sets Secure by the request URL’s scheme', async () => {
    const creds = { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD }
    const https = await login(creds, { 'CF-Connecting-IP': '192.0.2.51' }, 'https://edge.test')
    const http = await login(creds, { 'CF-Connecting-IP': '192.0.2.51', 'X-Forwarded-Proto': 'https' })
    expect([https.status, http.status]).toEqual([200, 200])
    expect(https.headers.get('set-cookie')).toMatch(/;\s*Secure/i)
    expect(http.headers.get('set-cookie')).not.toMatch(/;\s*Secure/i)
  })

  it('answers an account guessed at from many addresses after a real wait', async () => {
    const username = `target-${crypto.randomUUID()}@example.com`
    for (let i = 0; i < 10; i++) await login({ username, password: 'guess' }, { 'CF-Connecting-IP': `192.0.2.${60 + i}` })
    const started = Date.now()
    const slowed = await login({ username, password: 'guess' }, { 'CF-Connecting-IP': '192.0.2.80' })
    expect(slowed.status).toBe(401)
    expect(Date.now() - started).toBeGreaterThanOrEqual(450)
  })
})
