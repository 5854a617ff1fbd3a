// The deployed Worker's own wiring (edge/src/index.ts): bindings → config → Neon pool per request.
import { exports } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { hashPassword, verifyPassword } from '../../edge/src/services/auth/passwords'
import { TEMPLATE_ADMIN_PASSWORD } from '../support/constants'

const worker = (exports as unknown as { default: { fetch: (req: Request) => Promise<Response> } }).default
const post = (verb: string, body: unknown, headers: Record<string, string> = {}) =>
  worker.fetch(
    new Request(`http://edge.test/api/public/${verb}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  )

describe('the Worker', () => {
  it('answers the healthcheck from the database', async () => {
    const res = await worker.fetch(new Request('http://edge.test/api/__healthcheck'))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, database: 'ok' })
  })

  it('signs in with a hash made on Node and serves an authenticated verb', async () => {
    const login = await post(
      'login',
      { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD },
      { 'CF-Connecting-IP': '192.0.2.10' },
    )
    expect(login.status).toBe(200)
    const { token } = (await login.json()) as { token: string }
    const users = await post('get_users', {}, { Authorization: `Bearer ${token}` })
    expect(users.status).toBe(200)
  })

  it('hashes and verifies 600,000-iteration PBKDF2 inside workerd', async () => {
    const stored = await hashPassword('worker-password')
    expect(await verifyPassword('worker-password', stored)).toBe(true)
    expect(await verifyPassword('other', stored)).toBe(false)
  })
})
