// The ways Kasm's clients authenticate besides the body's api_key. Kasm's UI calls /api/admin/<verb> with `username` + `token` in the body; Kasm guarantees the same
// verbs answer at /api/public/<verb> with an API key. Oriel serves both, one set of handlers.
import { describe, expect, it } from 'vitest'
import { TEST_PASSWORD } from '../../support/builders'
import { useTestContext } from '../../support/context'

const { t } = useTestContext()

async function post(path: string, body: Record<string, unknown>) {
  const res = await t.app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as any }
}

describe('/api/admin and the UI form of authentication', () => {
  it('answers the same verbs with username + token in the body, as Kasm’s UI sends them', async () => {
    const admin = await t.seed.user({ groups: ['Administrators'], password: true })
    const login = await post('/api/admin/login', { username: admin.username, password: TEST_PASSWORD })
    expect(login.status).toBe(200)
    const auth = { username: admin.username.toUpperCase(), token: login.body.token }
    const viaAdmin = await post('/api/admin/get_users', auth)
    expect(viaAdmin.status).toBe(200)
    expect(viaAdmin.body.users.map((u: { username: string }) => u.username)).toContain(admin.username)
    expect((await post('/api/public/get_users', auth)).body).toEqual(viaAdmin.body)
    const key = await t.seed.apiKey({ permissions: ['users_view'] })
    expect((await post('/api/admin/get_users', { api_key: key.api_key, api_key_secret: key.api_key_secret })).status).toBe(200)
  })

  it('refuses a token sent with another user’s name, a revoked token, and a plain user on an admin verb', async () => {
    const a = await t.seed.user({ password: true })
    const b = await t.seed.user()
    const login = await post('/api/admin/login', { username: a.username, password: TEST_PASSWORD })
    const before = await t.counts()
    expect(
      (await post('/api/admin/get_user', { username: b.username, token: login.body.token, target_user: { user_id: a.id } })).status,
    ).toBe(401)
    expect((await post('/api/admin/get_users', { username: a.username, token: login.body.token })).status).toBe(403)
    expect(
      (await post('/api/admin/get_user', { username: a.username, token: login.body.token, target_user: { user_id: a.id } })).status,
    ).toBe(200)
    await post('/api/admin/logout', { username: a.username, token: login.body.token })
    expect(
      (await post('/api/admin/get_user', { username: a.username, token: login.body.token, target_user: { user_id: a.id } })).status,
    ).toBe(401)
    expect((await post('/api/admin/get_user', { username: a.username, token: 'not-a-token', target_user: { user_id: a.id } })).status).toBe(
      401,
    )
    expect((await t.counts()).users).toBe(before.users)
  })
})

describe('HTTP Basic with an API key (Kasm’s next API)', () => {
  const basic = (pair: string) => `Basic ${btoa(pair)}`
  const get = async (authorization: string) => {
    const res = await t.app.request('/api/public/get_users', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: authorization },
      body: '{}',
    })
    return { status: res.status, challenge: res.headers.get('WWW-Authenticate'), body: (await res.json()) as any }
  }

  it('authenticates api_key:api_key_secret; permissions and read-only hold as in the body form', async () => {
    const key = await t.seed.apiKey({ permissions: ['users_view'] })
    const ok = await get(basic(`${key.api_key}:${key.api_key_secret}`))
    expect(ok.status).toBe(200)
    expect(Array.isArray(ok.body.users)).toBe(true)
    const bare = await t.seed.apiKey()
    expect((await get(basic(`${bare.api_key}:${bare.api_key_secret}`))).status).toBe(403)
  })

  it('refuses a wrong secret, garbage and NUL with 401 and a Basic challenge', async () => {
    const key = await t.seed.apiKey({ permissions: ['users_view'] })
    for (const auth of [basic(`${key.api_key}:wrong`), basic('no-colon'), 'Basic %%%', basic(`${key.api_key}\u0000:x`), basic(':secret')]) {
      const res = await get(auth)
      expect([auth, res.status]).toEqual([auth, 401])
      expect(res.challenge).toMatch(/^Basic realm="Oriel"/)
    }
  })
})
