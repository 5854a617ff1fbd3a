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

  it('blocks an account at the address that keeps failing, even for the right password, until the block ends', async () => {
    const u = await t.seed.user({ password: true })
    t.setClientAddress('198.51.100.2')
    const codes = []
    for (let i = 0; i < 3; i++) codes.push((await t.api('login', { username: u.username, password: 'guess' })).status)
    expect(codes).toEqual([401, 401, 401])
    const blocked = await t.api('login', { username: u.username, password: TEST_PASSWORD })
    expect(blocked.status).toBe(429)
    expect(blocked.body.error_message).toMatch(/Try again in \d+ seconds/)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await t.api('login', { username: u.username.toUpperCase(), password: TEST_PASSWORD })).status).toBe(429)
    t.clock.advance(76_000)
    expect((await t.api('login', { username: u.username, password: TEST_PASSWORD })).status).toBe(200)
    // The good sign-in cleared this address's count on the account: two more slips are not blocked.
    for (let i = 0; i < 2; i++) expect((await t.api('login', { username: u.username, password: 'guess' })).status).toBe(401)
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

  it('a stranger’s failures on an account do not stop its owner from another address', async () => {
    const u = await t.seed.user({ password: true })
    t.setClientAddress('198.51.100.6')
    for (let i = 0; i < 3; i++) await t.api('login', { username: u.username, password: 'guess' })
    expect((await t.api('login', { username: u.username, password: 'guess' })).status).toBe(429)
    t.setClientAddress('198.51.100.7')
    expect((await t.api('login', { username: u.username, password: TEST_PASSWORD })).status).toBe(200)
    t.setClientAddress('198.51.100.6')
    expect((await t.api('login', { username: u.username, password: TEST_PASSWORD })).status).toBe(429)
  })

  it('slows, never refuses, an account guessed at from many addresses; the owner still gets in', async () => {
    const u = await t.seed.user({ password: true })
    t.signInWaits.length = 0
    // Two guesses from each of twelve addresses: under every per-address and per-pair limit.
    for (let a = 0; a < 12; a++) {
      t.setClientAddress(`192.0.2.${a + 10}`)
      for (let i = 0; i < 2; i++) expect((await t.api('login', { username: u.username, password: 'guess' })).status).toBe(401)
    }
    expect(t.signInWaits).toEqual([500, 1000, 2000, ...Array(11).fill(3000)])
    // Right and wrong answers wait alike, so a guesser cannot stop waiting early and infer a miss.
    t.signInWaits.length = 0
    t.setClientAddress('192.0.2.40')
    expect((await t.api('login', { username: u.username, password: 'guess' })).status).toBe(401)
    t.setClientAddress('192.0.2.41')
    const owner = await t.api('login', { username: u.username, password: TEST_PASSWORD })
    expect(owner.status).toBe(200)
    expect(t.signInWaits).toEqual([3000, 3000])
    // Other accounts are not slowed.
    t.signInWaits.length = 0
    expect((await t.api('login', { username: 'admin@kasm.local', password: TEMPLATE_ADMIN_PASSWORD })).status).toBe(200)
    expect(t.signInWaits).toEqual([])
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
    const res = await t.app.request('/api/public/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"username":',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error_message: string }).error_message).toBe('Malformed JSON in request body')
    const { token } = await t.seed.admin()
    const authed = await t.app.request('/api/public/create_user', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `oriel_session=${token}` },
      body: '{"target_user": {',
    })
    expect(authed.status).toBe(400)
    expect(((await authed.json()) as { error_message: string }).error_message).toBe('Malformed JSON in request body')
    const missing = await t.api('login', { username: 'admin@kasm.local' })
    expect(missing.status).toBe(400)
    expect(missing.body.field).toBe('password')
  })
})

describe('what an admin sees, and unblocking', () => {
  it('get_user and get_users show failed_pw_attempts across addresses; update_user locked:false clears them everywhere', async () => {
    const { token } = await t.seed.admin()
    const admin = { token }
    const u = await t.seed.user({ password: true })
    for (const address of ['198.51.100.60', '198.51.100.61']) {
      t.setClientAddress(address)
      for (let i = 0; i < 3; i++) await t.api('login', { username: u.username, password: 'guess' })
    }
    const one = await t.api('get_user', { target_user: { user_id: u.id } }, admin)
    expect(one.body.user).toMatchObject({ failed_pw_attempts: 6, locked: false })
    const all = await t.api('get_users', {}, admin)
    const listed = all.body.users.find((x: { username: string }) => x.username === u.username)
    expect(listed.failed_pw_attempts).toBe(6)
    expect(all.body.users.find((x: { username: string }) => x.username === 'admin@kasm.local').failed_pw_attempts).toBe(0)
    expect((await t.api('login', { username: u.username, password: TEST_PASSWORD })).status).toBe(429)

    const unlocked = await t.api('update_user', { target_user: { user_id: u.id, locked: false } }, admin)
    expect(unlocked.status).toBe(200)
    expect(unlocked.body.user).toMatchObject({ failed_pw_attempts: 0, locked: false })
    for (const address of ['198.51.100.60', '198.51.100.61']) {
      t.setClientAddress(address)
      expect((await t.api('login', { username: u.username, password: TEST_PASSWORD })).status).toBe(200)
    }
  })

  it('only a caller who may modify users can unblock, and only the named account is cleared', async () => {
    const u = await t.seed.user({ password: true })
    const bystander = await t.seed.user({ password: true })
    t.setClientAddress('198.51.100.62')
    for (const name of [u.username, bystander.username]) {
      for (let i = 0; i < 3; i++) await t.api('login', { username: name, password: 'guess' })
    }
    const viewer = await t.seed.apiKey({ permissions: ['users_view'] })
    const denied = await t.api('update_user', { target_user: { user_id: u.id, locked: false } }, { key: viewer })
    expect(denied.status).toBe(403)
    const self = await t.seed.tokenFor(u.id)
    expect((await t.api('update_user', { target_user: { user_id: u.id, locked: false } }, { token: self })).status).toBe(403)
    expect((await t.api('get_user', { target_user: { user_id: bystander.id } }, { token: self })).status).toBe(403)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { key: viewer })).body.user.failed_pw_attempts).toBe(3)
    expect((await t.api('login', { username: u.username, password: TEST_PASSWORD })).status).toBe(429)
    // Changing another field leaves the counters alone; locked:false clears them.
    const modifier = await t.seed.apiKey({ permissions: ['users_modify', 'users_view'] })
    expect(
      (await t.api('update_user', { target_user: { user_id: u.id, notes: 'x' } }, { key: modifier })).body.user.failed_pw_attempts,
    ).toBe(3)
    expect((await t.api('update_user', { target_user: { user_id: u.id, locked: false } }, { key: modifier })).status).toBe(200)
    expect((await t.api('login', { username: u.username, password: TEST_PASSWORD })).status).toBe(200)
    expect((await t.api('login', { username: bystander.username, password: TEST_PASSWORD })).status).toBe(429)
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
