import { describe, expect, it } from 'vitest'
import { useTestContext } from '../../support/context'

const { t, admin } = useTestContext()

describe('API keys', () => {
  it('shows the secret once; the key starts with no permissions; granted ones then work', async () => {
    const made = await t.api('create_api_key', { target_api_key: { name: 'CI', expires: '2099-01-01T00:00:00Z' } }, admin)
    expect(made.status).toBe(200)
    const { api_key, api_key_secret, api_key_id } = made.body.api_key
    expect(api_key).toMatch(/^[A-Za-z0-9]{12}$/)
    expect(api_key_secret).toMatch(/^[A-Za-z0-9]{32}$/)
    expect(made.body.api_key.permissions).toEqual([])
    const key = { api_key, api_key_secret }
    expect((await t.api('get_users', {}, { key })).status).toBe(403)
    const set = await t.api('set_api_key_permissions', { target_api_key: { api_key_id }, target_permissions: ['users_view'] }, admin)
    expect(set.body.api_key.permissions).toEqual(['users_view'])
    expect((await t.api('get_users', {}, { key })).status).toBe(200)
    const listed = await t.api('get_api_keys', {}, admin)
    const row = listed.body.api_keys.find((k: { api_key_id: string }) => k.api_key_id === api_key_id)
    expect(row.last_used).not.toBeNull()
    expect(JSON.stringify(listed.body)).not.toContain(api_key_secret)
    expect(row.api_key_secret).toBeUndefined()
  })

  it('updates (read-only, disable) and deletes a key, which then stops working', async () => {
    const k = await t.seed.apiKey({ permissions: ['users_view', 'users_create'] })
    const key = { api_key: k.api_key, api_key_secret: k.api_key_secret }
    expect((await t.api('update_api_key', { target_api_key: { api_key_id: k.id, read_only: true } }, admin)).body.api_key.read_only).toBe(
      true,
    )
    expect((await t.api('create_user', { target_user: { username: 'ro@example.com' } }, { key })).status).toBe(403)
    expect((await t.api('update_api_key', { target_api_key: { api_key_id: k.id, enabled: false } }, admin)).status).toBe(200)
    expect((await t.api('get_users', {}, { key })).status).toBe(401)
    expect((await t.api('delete_api_key', { target_api_key: { api_key_id: k.id } }, admin)).status).toBe(200)
    expect((await t.api('delete_api_key', { target_api_key: { api_key_id: k.id } }, admin)).status).toBe(404)
  })

  it('refuses bad input, unknown permissions and grants the caller does not hold', async () => {
    // Kasm's clients write a missing date as "None".
    const none = await t.api('create_api_key', { target_api_key: { name: 'no expiry', expires: 'None' } }, admin)
    expect([none.status, none.body.api_key.expires]).toEqual([200, null])
    const before = await t.counts()
    const bad = await t.api('create_api_key', { target_api_key: { name: 'x', expires: 'next tuesday' } }, admin)
    expect([bad.status, bad.body.field]).toEqual([400, 'target_api_key.expires'])
    expect(await t.counts()).toEqual(before)
    const k = await t.seed.apiKey()
    const manager = await t.seed.apiKey({ permissions: ['devapi_modify', 'users_view'] })
    const after = await t.counts()
    const unknown = await t.api('set_api_key_permissions', { target_api_key: { api_key_id: k.id }, target_permissions: ['root'] }, admin)
    expect(unknown.status).toBe(400)
    const esc = await t.api(
      'set_api_key_permissions',
      { target_api_key: { api_key_id: k.id }, target_permissions: ['global_admin'] },
      { key: manager },
    )
    expect(esc.status).toBe(403)
    expect(await t.counts()).toEqual(after)
    expect(
      (
        await t.api(
          'set_api_key_permissions',
          { target_api_key: { api_key_id: k.id }, target_permissions: ['users_view'] },
          { key: manager },
        )
      ).status,
    ).toBe(200)
  })

  it('needs the devapi_* permissions', async () => {
    const me = await t.seed.plainUser()
    const before = await t.counts()
    expect((await t.api('get_api_keys', {}, me)).status).toBe(403)
    expect((await t.api('create_api_key', { target_api_key: { name: 'mine' } }, me)).status).toBe(403)
    expect(await t.counts()).toEqual(before)
  })
})
