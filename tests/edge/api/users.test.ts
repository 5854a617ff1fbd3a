import { describe, expect, it } from 'vitest'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'

const { t, admin } = useTestContext()

describe('create_user', () => {
  it('creates a user in All Users, never returning the password', async () => {
    const res = await t.api(
      'create_user',
      { target_user: { username: 'Bob@Example.com', first_name: 'Bob', password: 'a-good-password' } },
      admin,
    )
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ username: 'Bob@Example.com', first_name: 'Bob', realm: 'local', locked: false, disabled: false })
    expect(res.body.user.user_id).toMatch(/^[0-9a-f]{32}$/)
    expect(res.body.user.groups.map((g: { name: string }) => g.name)).toEqual(['All Users'])
    expect(JSON.stringify(res.body)).not.toMatch(/password_hash|pbkdf2|a-good-password/)
    const login = await t.api('login', { username: 'bob@example.com', password: 'a-good-password' })
    expect(login.status).toBe(200)
  })

  it('refuses a duplicate username (any case) with 409, and changes nothing', async () => {
    await t.api('create_user', { target_user: { username: 'dup@example.com' } }, admin)
    const before = await t.counts()
    const res = await t.api('create_user', { target_user: { username: 'DUP@example.com' } }, admin)
    expect(res.status).toBe(409)
    expect(res.body.field).toBe('target_user.username')
    expect(await t.counts()).toEqual(before)
  })

  it('refuses bad bodies with 400 naming the field, and changes nothing', async () => {
    const before = await t.counts()
    const cases: [unknown, string][] = [
      [{ target_user: { username: '' } }, 'target_user.username'],
      [{ target_user: { username: 42 } }, 'target_user.username'],
      [{ target_user: { username: 'ok@example.com', password: 'short' } }, 'target_user.password'],
      [{ target_user: { username: 'ok@example.com', locked: 'yes' } }, 'target_user.locked'],
      [{}, 'target_user'],
    ]
    for (const [body, field] of cases) {
      const res = await t.api('create_user', body as Record<string, unknown>, admin)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.field).toBe(field)
      expect(res.body.error_message).toContain(field)
    }
    expect(await t.counts()).toEqual(before)
  })

  it('needs users_create', async () => {
    const { token } = await t.seed.plainUser()
    const before = await t.counts()
    expect((await t.api('create_user', { target_user: { username: 'x@example.com' } }, { token })).status).toBe(403)
    const key = await t.seed.apiKey({ permissions: ['users_create'] })
    expect((await t.api('create_user', { target_user: { username: 'by-key@example.com' } }, { key })).status).toBe(200)
    expect((await t.counts()).users).toBe(before.users + 1)
  })
})

describe('get_users / get_user', () => {
  it('lists users for users_view holders only', async () => {
    const res = await t.api('get_users', {}, admin)
    expect(res.status).toBe(200)
    expect(res.body.users.map((u: { username: string }) => u.username)).toContain('admin@kasm.local')
    const { token } = await t.seed.plainUser()
    expect((await t.api('get_users', {}, { token })).status).toBe(403)
  })

  it('finds a user by id (with or without dashes) or by username', async () => {
    const u = await t.seed.user({ username: 'findme@example.com' })
    for (const target of [{ user_id: u.id }, { user_id: kid(u.id) }, { username: 'FINDME@example.com' }]) {
      const res = await t.api('get_user', { target_user: target }, admin)
      expect(res.status).toBe(200)
      expect(res.body.user.username).toBe('findme@example.com')
    }
  })

  it('lets a user read themself but not others; unknown ids are 404 for viewers', async () => {
    const me = await t.seed.plainUser()
    const other = await t.seed.user()
    expect((await t.api('get_user', { target_user: { user_id: me.user.id } }, me)).status).toBe(200)
    expect((await t.api('get_user', { target_user: { user_id: other.id } }, me)).status).toBe(403)
    expect((await t.api('get_user', { target_user: { user_id: crypto.randomUUID() } }, me)).status).toBe(403)
    expect((await t.api('get_user', { target_user: { user_id: crypto.randomUUID() } }, admin)).status).toBe(404)
    expect((await t.api('get_user', { target_user: { user_id: 'not-a-uuid' } }, admin)).status).toBe(400)
    expect((await t.api('get_user', { target_user: {} }, admin)).status).toBe(400)
  })
})

describe('update_user', () => {
  it('changes fields; locking a user ends their sign-ins', async () => {
    const u = await t.seed.user()
    const token = await t.seed.tokenFor(u.id)
    const res = await t.api('update_user', { target_user: { user_id: kid(u.id), last_name: 'Jones', locked: true } }, admin)
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ last_name: 'Jones', locked: true })
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { token })).status).toBe(401)
  })

  it('resets a password, which ends the old sign-ins', async () => {
    const u = await t.seed.user()
    const token = await t.seed.tokenFor(u.id)
    expect((await t.api('update_user', { target_user: { user_id: u.id, password: 'brand-new-password' } }, admin)).status).toBe(200)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { token })).status).toBe(401)
    expect((await t.api('login', { username: u.username, password: 'brand-new-password' })).status).toBe(200)
  })

  it('refuses an unknown user (404), a taken username (409), and plain users (403), changing nothing', async () => {
    const a = await t.seed.user()
    const b = await t.seed.user()
    const me = await t.seed.plainUser()
    const before = await t.counts()
    expect((await t.api('update_user', { target_user: { user_id: crypto.randomUUID(), first_name: 'X' } }, admin)).status).toBe(404)
    expect((await t.api('update_user', { target_user: { user_id: a.id, username: b.username.toUpperCase() } }, admin)).status).toBe(409)
    expect((await t.api('update_user', { target_user: { user_id: a.id, first_name: 'X' } }, me)).status).toBe(403)
    expect(await t.counts()).toEqual(before)
    const reread = await t.api('get_user', { target_user: { user_id: a.id } }, admin)
    expect(reread.body.user.first_name).toBeNull()
    expect(reread.body.user.username).toBe(a.username)
  })

  it('needs users_modify_admin to change a Global Admin', async () => {
    const target = await t.seed.user({ groups: ['Administrators'] })
    const key = await t.seed.apiKey({ permissions: ['users_modify'] })
    const res = await t.api('update_user', { target_user: { user_id: target.id, first_name: 'Mallory' } }, { key })
    expect(res.status).toBe(403)
    const stronger = await t.seed.apiKey({ permissions: ['users_modify', 'users_modify_admin'] })
    expect((await t.api('update_user', { target_user: { user_id: target.id, first_name: 'Ok' } }, { key: stronger })).status).toBe(200)
  })
})

describe('delete_user', () => {
  it('refuses while the user has sessions, then deletes with force', async () => {
    const u = await t.seed.user()
    const img = await t.seed.image()
    await t.seed.kasm(u.id, img.id)
    const before = await t.counts()
    const refused = await t.api('delete_user', { target_user: { user_id: u.id } }, admin)
    expect(refused.status).toBe(409)
    expect(refused.body.error_message).toMatch(/1 active session/)
    expect(await t.counts()).toEqual(before)
    expect((await t.api('delete_user', { target_user: { user_id: u.id }, force: true }, admin)).status).toBe(200)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, admin)).status).toBe(404)
    expect((await t.counts()).kasms).toBe(before.kasms - 1)
  })

  it('deletes a user without sessions; refuses self, unknown and unauthorised callers', async () => {
    const u = await t.seed.user()
    expect((await t.api('delete_user', { target_user: { user_id: u.id } }, admin)).status).toBe(200)
    const self = await t.seed.admin()
    expect((await t.api('delete_user', { target_user: { user_id: self.user.id } }, self)).status).toBe(409)
    expect((await t.api('delete_user', { target_user: { user_id: crypto.randomUUID() } }, admin)).status).toBe(404)
    const victim = await t.seed.user()
    const me = await t.seed.plainUser()
    expect((await t.api('delete_user', { target_user: { user_id: victim.id } }, me)).status).toBe(403)
    expect((await t.api('get_user', { target_user: { user_id: victim.id } }, admin)).status).toBe(200)
  })
})

describe('logout_user', () => {
  it('revokes every token and cookie of the user', async () => {
    const u = await t.seed.user()
    const tokens = [await t.seed.tokenFor(u.id), await t.seed.tokenFor(u.id)]
    const key = await t.seed.apiKey({ permissions: ['users_auth_session'] })
    expect((await t.api('logout_user', { target_user: { user_id: u.id } }, { key })).status).toBe(200)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { token: tokens[0]! })).status).toBe(401)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { cookie: tokens[1]! })).status).toBe(401)
  })

  it('needs users_auth_session for another user; anyone may sign themself out everywhere', async () => {
    const me = await t.seed.plainUser()
    const other = await t.seed.user()
    const otherToken = await t.seed.tokenFor(other.id)
    expect((await t.api('logout_user', { target_user: { user_id: other.id } }, me)).status).toBe(403)
    expect((await t.api('get_user', { target_user: { user_id: other.id } }, { token: otherToken })).status).toBe(200)
    expect((await t.api('logout_user', { target_user: { user_id: me.user.id } }, me)).status).toBe(200)
    expect((await t.api('get_user', { target_user: { user_id: me.user.id } }, me)).status).toBe(401)
  })
})

describe('attributes', () => {
  it('a user reads and updates their own; the alias update_attributes works too', async () => {
    const me = await t.seed.plainUser()
    const img = await t.seed.image()
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb7mA3bGz2tGx0wJqZ0l8d3PbCkI5r8Xv1G4m7w9s2T me@laptop'
    const up = await t.api(
      'update_user_attributes',
      { target_user_attributes: { user_id: me.user.id, ssh_public_key: key, theme: 'dark', default_image: kid(img.id) } },
      me,
    )
    expect(up.status).toBe(200)
    const alias = await t.api(
      'update_attributes',
      { target_user_attributes: { user_id: me.user.id, preferred_timezone: 'Europe/Paris' } },
      me,
    )
    expect(alias.status).toBe(200)
    const got = await t.api('get_attributes', { target_user: { user_id: me.user.id } }, me)
    expect(got.body.user_attributes).toMatchObject({
      ssh_public_key: key,
      theme: 'dark',
      default_image: kid(img.id),
      preferred_timezone: 'Europe/Paris',
    })
  })

  it('refuses another user’s attributes, a bad key, an unknown workspace; nothing changes', async () => {
    const me = await t.seed.plainUser()
    const other = await t.seed.user()
    // The first read makes the user's SSH key pair (Kasm gives each user one): the refused calls below must not change it.
    const shown = (await t.api('get_attributes', { target_user: { user_id: me.user.id } }, me)).body.user_attributes.ssh_public_key
    expect(shown).toMatch(/^ssh-rsa /)
    expect((await t.api('get_attributes', { target_user: { user_id: other.id } }, me)).status).toBe(403)
    expect((await t.api('update_user_attributes', { target_user_attributes: { user_id: other.id, theme: 'dark' } }, me)).status).toBe(403)
    const bad = await t.api('update_user_attributes', { target_user_attributes: { user_id: me.user.id, ssh_public_key: 'hello' } }, me)
    expect(bad.status).toBe(400)
    expect(bad.body.field).toBe('target_user_attributes.ssh_public_key')
    const missing = await t.api(
      'update_user_attributes',
      { target_user_attributes: { user_id: me.user.id, default_image: crypto.randomUUID(), theme: 'dark' } },
      me,
    )
    expect(missing.status).toBe(404)
    const got = await t.api('get_attributes', { target_user: { user_id: me.user.id } }, admin)
    expect(got.body.user_attributes).toMatchObject({ ssh_public_key: shown, theme: 'auto', default_image: null })
  })
})

describe('set_password', () => {
  it('changes the caller’s own password with the current one, ending their other sign-ins', async () => {
    const u = await t.seed.user({ password: true })
    t.setClientAddress('198.51.100.40')
    const here = (await t.api('login', { username: u.username, password: 'correct horse battery staple' })).body.token
    const elsewhere = await t.seed.tokenFor(u.id)
    const wrong = await t.api('set_password', { current_password: 'nope', new_password: 'a-new-password' }, { token: here })
    expect([wrong.status, wrong.body.field]).toEqual([400, 'current_password'])
    const short = await t.api('set_password', { current_password: 'correct horse battery staple', new_password: 'short' }, { token: here })
    expect([short.status, short.body.field]).toEqual([400, 'new_password'])
    expect(
      (await t.api('set_password', { current_password: 'correct horse battery staple', new_password: 'a-new-password' }, { token: here }))
        .status,
    ).toBe(200)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { token: here })).status).toBe(200)
    expect((await t.api('get_user', { target_user: { user_id: u.id } }, { token: elsewhere })).status).toBe(401)
    expect((await t.api('login', { username: u.username, password: 'a-new-password' })).status).toBe(200)
    const key = await t.seed.apiKey({ permissions: ['global_admin'] })
    expect((await t.api('set_password', { current_password: 'x', new_password: 'another-password' }, { key })).status).toBe(403)
  })
})
