import { describe, expect, it } from 'vitest'
import { TEST_PASSWORD } from '../../support/builders'
import { TEMPLATE_ADMIN_PASSWORD } from '../../support/constants'
import { useTestContext } from '../../support/context'

const { t } = useTestContext()

describe('login', () => {
  it('signs the built-in admin in and the token works as Bearer and as the cookie', async () => {
    const res = await t.api('login', { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD })
    expect(res.status).toBe(200)
    expect(res.body.username).toBe('admin@kasm.local')
    expect(res.body.is_admin).toBe(true)
    expect(res.body.user.groups.map((g: { name: string }) => g.name)).toEqual(['Administrators', 'All Users'])
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/oriel_session=/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const bearer = await t.api('get_users', {}, { token: res.body.token })
    expect(bearer.status).toBe(200)
    const viaCookie = await t.api('get_users', {}, { cookie: cookie.match(/oriel_session=([^;]+)/)![1]! })
    expect(viaCookie.status).toBe(200)
    expect(viaCookie.body.users.length).toBe(bearer.body.users.length)
  })

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    t.setClientAddress('198.51.100.1')
    const wrong = await t.api('login', { username: 'user@kasm.local', password: 'not-it' })
    const unknown = await t.api('login', { username: 'nobody@example.com', password: 'not-it' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body.error_message).toBe(unknown.body.error_message)
    expect(wrong.body.token).toBeUndefined()
  })

  it('blocks an account after repeated failures, even for the right password, until the block ends', async () => {
    const u = await t.seed.user({ password: true })
    t.setClientAddress('198.51.100.2')
    const codes = []
    for (let i = 0; i < 3; i++) codes.push((await t.api('login', { username: u.username, password: 'guess' })).status)
    expect(codes).toEqual([401, 401, 401])
    const blocked = await t.api('login', { username: u.username, password: TEST_PASSWORD })
    expect(blocked.status).toBe(429)
    expect(blocked.body.error_message).toMatch(/Try again in \d+ seconds/)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    t.clock.advance(76_000)
    expect((await t.api('login', { username: u.username, password: TEST_PASSWORD })).status).toBe(200)
  })

  it('blocks a client address that guesses across many accounts', async () => {
    t.setClientAddress('198.51.100.3')
    for (let i = 0; i < 10; i++) await t.api('login', { username: `spray-${i}@example.com`, password: 'guess' })
    const res = await t.api('login', { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD })
    expect(res.status).toBe(429)
    t.setClientAddress('198.51.100.4')
    expect((await t.api('login', { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD })).status).toBe(200)
  })

  it('refuses locked and disabled users even with the right password', async () => {
    t.setClientAddress('198.51.100.5')
    const locked = await t.seed.user({ password: true, locked: true })
    const disabled = await t.seed.user({ password: true, disabled: true })
    const a = await t.api('login', { username: locked.username, password: TEST_PASSWORD })
    const b = await t.api('login', { username: disabled.username, password: TEST_PASSWORD })
    expect([a.status, b.status]).toEqual([403, 403])
    expect(a.body.error_message).toMatch(/locked/)
    expect(b.body.error_message).toMatch(/disabled/)
  })

  it('answers a body that is not JSON, or lacks fields, with 400 naming the problem', async () => {
    const res = await t.app.request('/api/public/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"username":' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error_message: string }).error_message).toBe('Malformed JSON in request body')
    const { token } = await t.seed.admin()
    const authed = await t.app.request('/api/public/create_user', {
      method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: `oriel_session=${token}` }, body: '{"target_user": {',
    })
    expect(authed.status).toBe(400)
    expect(((await authed.json()) as { error_message: string }).error_message).toBe('Malformed JSON in request body')
    const missing = await t.api('login', { username: 'admin@kasm.local' })
    expect(missing.status).toBe(400)
    expect(missing.body.field).toBe('password')
  })
})

describe('logout', () => {
  it('ends the token it was called with, and only that one', async () => {
    const u = await t.seed.user()
    const one = await t.seed.tokenFor(u.id)
    const two = await t.seed.tokenFor(u.id)
    expect((await t.api('logout', {}, { token: one })).status).toBe(200)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { token: one })).status).toBe(401)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { token: two })).status).toBe(200)
  })
})

describe('callers', () => {
  it('refuses anonymous calls, forged tokens and half API credentials with 401', async () => {
    expect((await t.api('get_users')).status).toBe(401)
    expect((await t.api('get_users', {}, { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4In0.bad' })).status).toBe(401)
    expect((await t.api('get_users', { api_key: 'abcdefghijkl' })).status).toBe(401)
  })

  it('API keys: a wrong secret, a disabled or expired key get 401; no permissions gets 403', async () => {
    const key = await t.seed.apiKey({ permissions: ['users_view'] })
    expect((await t.api('get_users', {}, { key })).status).toBe(200)
    expect((await t.api('get_users', {}, { key: { ...key, api_key_secret: 'x'.repeat(32) } })).status).toBe(401)
    const expired = await t.seed.apiKey({ permissions: ['users_view'], expiresAt: new Date(t.clock.now().getTime() - 1000) })
    const res = await t.api('get_users', {}, { key: expired })
    expect(res.status).toBe(401)
    expect(res.body.error_message).toBe('API key has expired')
    const disabled = await t.seed.apiKey({ permissions: ['users_view'], enabled: false })
    expect((await t.api('get_users', {}, { key: disabled })).status).toBe(401)
    const bare = await t.seed.apiKey()
    const denied = await t.api('get_users', {}, { key: bare })
    expect(denied.status).toBe(403)
    expect(denied.body.error_message).toBe('Unauthorized')
  })

  it('a read-only key may read but never write, whatever it was granted', async () => {
    const key = await t.seed.apiKey({ permissions: ['global_admin'], readOnly: true })
    expect((await t.api('get_users', {}, { key })).status).toBe(200)
    const before = await t.counts()
    const res = await t.api('create_user', { target_user: { username: 'ro-made@example.com' } }, { key })
    expect(res.status).toBe(403)
    expect(res.body.error_message).toMatch(/read-only/)
    expect(await t.counts()).toEqual(before)
  })

  it('unknown verbs answer 404 with an error_message', async () => {
    const { token } = await t.seed.admin()
    const res = await t.api('no_such_verb', {}, { token })
    expect(res.status).toBe(404)
    expect(res.body.error_message).toBeTruthy()
  })
})
