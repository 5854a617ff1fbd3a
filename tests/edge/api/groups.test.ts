import { describe, expect, it } from 'vitest'
import { resolveUserSettings } from '../../../edge/src/services/groups/settings'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'

const { t, admin } = useTestContext()

describe('groups', () => {
  it('creates, updates, lists and deletes a group', async () => {
    const made = await t.api('create_group', { target_group: { name: 'Developers', priority: 50, description: 'Dev tools' } }, admin)
    expect(made.status).toBe(200)
    const id = made.body.group.group_id
    expect(made.body.group).toMatchObject({ name: 'Developers', priority: 50, is_system: false, user_count: 0 })
    const upd = await t.api('update_group', { target_group: { group_id: id, priority: 40 } }, admin)
    expect(upd.body.group.priority).toBe(40)
    const list = await t.api('get_groups', {}, admin)
    expect(list.body.groups.find((g: { group_id: string }) => g.group_id === id).priority).toBe(40)
    expect(list.body.groups.find((g: { name: string }) => g.name === 'Administrators').permissions).toEqual(['global_admin'])
    expect((await t.api('delete_group', { target_group: { group_id: id } }, admin)).status).toBe(200)
    expect((await t.api('delete_group', { target_group: { group_id: id } }, admin)).status).toBe(404)
  })

  it('refuses duplicate names and priorities with 409 naming the field', async () => {
    await t.seed.group({ name: 'Taken', priority: 777 })
    const before = await t.counts()
    const name = await t.api('create_group', { target_group: { name: 'Taken', priority: 778 } }, admin)
    expect([name.status, name.body.field]).toEqual([409, 'target_group.name'])
    const prio = await t.api('create_group', { target_group: { name: 'Fresh', priority: 777 } }, admin)
    expect([prio.status, prio.body.field]).toEqual([409, 'target_group.priority'])
    const bad = await t.api('create_group', { target_group: { name: 'Fresh', priority: 1.5 } }, admin)
    expect([bad.status, bad.body.field]).toEqual([400, 'target_group.priority'])
    expect(await t.counts()).toEqual(before)
  })

  it('system groups cannot be deleted or renamed', async () => {
    const allUsers = await t.seed.groupId('All Users')
    const del = await t.api('delete_group', { target_group: { group_id: allUsers } }, admin)
    expect(del.status).toBe(409)
    expect(del.body.error_message).toBe('System groups cannot be deleted')
    expect((await t.api('update_group', { target_group: { group_id: allUsers, name: 'Everyone' } }, admin)).status).toBe(409)
  })

  it('plain users and keys without the permission are refused', async () => {
    const me = await t.seed.plainUser()
    const g = await t.seed.group()
    const key = await t.seed.apiKey({ permissions: ['groups_modify'] })
    const before = await t.counts()
    expect((await t.api('get_groups', {}, me)).status).toBe(403)
    expect((await t.api('create_group', { target_group: { name: 'Mine', priority: 4242 } }, me)).status).toBe(403)
    expect((await t.api('update_group', { target_group: { group_id: g.id, priority: 4243 } }, me)).status).toBe(403)
    expect((await t.api('delete_group', { target_group: { group_id: g.id } }, me)).status).toBe(403)
    const sys = await t.api('update_group', { target_group: { group_id: await t.seed.groupId('All Users'), description: 'x' } }, { key })
    expect(sys.status).toBe(403)
    expect(await t.counts()).toEqual(before)
  })
})

describe('membership', () => {
  it('adds and removes users; every user stays in All Users', async () => {
    const u = await t.seed.user()
    const g = await t.seed.group({ name: 'Team A' })
    expect(
      (await t.api('add_user_group', { target_user: { user_id: kid(u.id) }, target_group: { group_id: kid(g.id) } }, admin)).status,
    ).toBe(200)
    let got = await t.api('get_user', { target_user: { user_id: u.id } }, admin)
    expect(got.body.user.groups.map((x: { name: string }) => x.name)).toContain('Team A')
    expect((await t.api('remove_user_group', { target_user: { user_id: u.id }, target_group: { group_id: g.id } }, admin)).status).toBe(200)
    got = await t.api('get_user', { target_user: { user_id: u.id } }, admin)
    expect(got.body.user.groups.map((x: { name: string }) => x.name)).toEqual(['All Users'])
    const all = await t.api(
      'remove_user_group',
      { target_user: { user_id: u.id }, target_group: { group_id: await t.seed.groupId('All Users') } },
      admin,
    )
    expect(all.status).toBe(409)
    expect(
      (await t.api('add_user_group', { target_user: { user_id: crypto.randomUUID() }, target_group: { group_id: g.id } }, admin)).status,
    ).toBe(404)
  })

  it('a groups_modify holder cannot put anyone (themself included) into a group with more power', async () => {
    const helpdesk = await t.seed.group({ permissions: ['groups_modify', 'groups_modify_system'] })
    const u = await t.seed.user({ groups: [helpdesk.name] })
    const token = await t.seed.tokenFor(u.id)
    const admins = await t.seed.groupId('Administrators')
    const before = await t.counts()
    const res = await t.api('add_user_group', { target_user: { user_id: u.id }, target_group: { group_id: admins } }, { token })
    expect(res.status).toBe(403)
    expect(res.body.error_message).toMatch(/global_admin/)
    expect(await t.counts()).toEqual(before)
    const plain = await t.seed.group()
    expect(
      (await t.api('add_user_group', { target_user: { user_id: u.id }, target_group: { group_id: plain.id } }, { token })).status,
    ).toBe(200)
  })
})

describe('permissions of groups', () => {
  it('grants and withdraws permissions; unknown names are 400; no one grants what they lack', async () => {
    const g = await t.seed.group()
    const add = await t.api(
      'add_permissions_group',
      { target_group: { group_id: g.id }, target_permissions: ['users_view', 'images_view'] },
      admin,
    )
    expect(add.body.permissions).toEqual(['images_view', 'users_view'])
    const bad = await t.api('add_permissions_group', { target_group: { group_id: g.id }, target_permissions: ['fly'] }, admin)
    expect([bad.status, bad.body.field]).toEqual([400, 'target_permissions.0'])
    const rm = await t.api('remove_permissions_group', { target_group: { group_id: g.id }, target_permissions: ['users_view'] }, admin)
    expect(rm.body.permissions).toEqual(['images_view'])
    const key = await t.seed.apiKey({ permissions: ['groups_modify', 'groups_view'] })
    const esc = await t.api('add_permissions_group', { target_group: { group_id: g.id }, target_permissions: ['global_admin'] }, { key })
    expect(esc.status).toBe(403)
    expect((await t.api('get_permissions_group', { target_group: { group_id: g.id } }, { key })).body.permissions).toEqual(['images_view'])
  })
})

describe('group settings', () => {
  it('lists the catalogue with Kasm defaults and the group’s own values', async () => {
    const g = await t.seed.group({ settings: { keepalive_expiration: 900 } })
    const res = await t.api('get_settings_group', { target_group: { group_id: g.id } }, admin)
    expect(res.status).toBe(200)
    const byName = Object.fromEntries(res.body.settings.map((s: { name: string }) => [s.name, s]))
    expect(byName.keepalive_expiration).toMatchObject({ value: 900, is_set: true, default: 3600, value_type: 'int' })
    expect(byName.keepalive_interval).toMatchObject({ value: null, is_set: false, default: 300 })
    expect(byName.keepalive_expiration_action.default).toBe('delete')
    expect(byName.allow_kasm_clipboard_down).toMatchObject({ default: true, value_type: 'bool' })
    expect(byName.max_kasms_per_user.default).toBe(2)
  })

  it('sets, validates and removes a setting', async () => {
    const g = await t.seed.group()
    const set = await t.api(
      'update_settings_group',
      { target_group: { group_id: g.id }, target_setting: { name: 'allow_kasm_clipboard_down', value: false } },
      admin,
    )
    expect(set.status).toBe(200)
    const before = await t.counts()
    const wrongType = await t.api(
      'update_settings_group',
      { target_group: { group_id: g.id }, target_setting: { name: 'max_kasms_per_user', value: 'lots' } },
      admin,
    )
    expect([wrongType.status, wrongType.body.field]).toEqual([400, 'target_setting.value'])
    const unknown = await t.api(
      'update_settings_group',
      { target_group: { group_id: g.id }, target_setting: { name: 'warp_drive', value: true } },
      admin,
    )
    expect([unknown.status, unknown.body.field]).toEqual([400, 'target_setting.name'])
    const badAction = await t.api(
      'update_settings_group',
      { target_group: { group_id: g.id }, target_setting: { name: 'keepalive_expiration_action', value: 'explode' } },
      admin,
    )
    expect(badAction.status).toBe(400)
    expect(await t.counts()).toEqual(before)
    const rm = await t.api(
      'update_settings_group',
      { target_group: { group_id: g.id }, target_setting: { name: 'allow_kasm_clipboard_down', value: null } },
      admin,
    )
    expect(rm.body.settings.find((s: { name: string }) => s.name === 'allow_kasm_clipboard_down').is_set).toBe(false)
    const me = await t.seed.plainUser()
    expect(
      (
        await t.api(
          'update_settings_group',
          { target_group: { group_id: g.id }, target_setting: { name: 'max_kasms_per_user', value: 9 } },
          me,
        )
      ).status,
    ).toBe(403)
  })

  it('resolves as Kasm does: the lowest priority number wins; volume mappings merge', async () => {
    const strict = await t.seed.group({
      priority: 10,
      settings: { allow_kasm_clipboard_down: false, volume_mapping: { '/srv/a': { bind: '/home/a', mode: 'ro' } } },
    })
    const loose = await t.seed.group({
      priority: 20,
      settings: {
        allow_kasm_clipboard_down: true,
        max_kasms_per_user: 5,
        volume_mapping: { '/srv/a': { bind: '/elsewhere' }, '/srv/b': { bind: '/home/b' } },
      },
    })
    const u = await t.seed.user({ groups: [strict.name, loose.name] })
    const s = await resolveUserSettings(t.db, u.id)
    expect(s.allow_kasm_clipboard_down).toBe(false)
    expect(s.max_kasms_per_user).toBe(5)
    expect(s.keepalive_expiration).toBe(3600)
    expect(s.volume_mapping).toEqual({ '/srv/a': { bind: '/home/a', mode: 'ro' }, '/srv/b': { bind: '/home/b' } })
    const alone = await t.seed.user()
    expect((await resolveUserSettings(t.db, alone.id)).allow_kasm_clipboard_down).toBe(true)
  })
})

describe('workspaces of groups', () => {
  it('permits and withdraws a workspace; users see what their groups permit', async () => {
    const g = await t.seed.group()
    const img = await t.seed.image({ friendlyName: 'Chosen' })
    const u = await t.seed.user({ groups: [g.name] })
    const token = await t.seed.tokenFor(u.id)
    expect((await t.api('get_images', {}, { token })).body.images).toEqual([])
    expect((await t.api('add_images_group', { target_group: { group_id: g.id }, target_image: { image_id: img.id } }, admin)).status).toBe(
      200,
    )
    expect((await t.api('get_images', {}, { token })).body.images.map((i: { friendly_name: string }) => i.friendly_name)).toEqual([
      'Chosen',
    ])
    expect(
      (await t.api('remove_images_group', { target_group: { group_id: g.id }, target_image: { image_id: img.id } }, admin)).status,
    ).toBe(200)
    expect((await t.api('get_images', {}, { token })).body.images).toEqual([])
    expect(
      (await t.api('add_images_group', { target_group: { group_id: g.id }, target_image: { image_id: crypto.randomUUID() } }, admin))
        .status,
    ).toBe(404)
    expect(
      (await t.api('add_images_group', { target_group: { group_id: g.id }, target_image: { image_id: img.id } }, { token })).status,
    ).toBe(403)
  })
})

describe('get_images_group', () => {
  it('lists the group’s workspaces (disabled ones too) in the get_images view; only those', async () => {
    const g = await t.seed.group()
    const chosen = await t.seed.image({ friendlyName: 'B Chosen', runConfig: { cap_add: ['NET_ADMIN'] } })
    const off = await t.seed.image({ friendlyName: 'A Off', enabled: false })
    await t.seed.image({ friendlyName: 'Elsewhere' })
    await t.seed.permitImage(g.id, chosen.id)
    await t.seed.permitImage(g.id, off.id)
    const res = await t.api('get_images_group', { target_group: { group_id: kid(g.id) } }, admin)
    expect(res.status).toBe(200)
    expect(res.body.images.map((i: { friendly_name: string }) => i.friendly_name)).toEqual(['A Off', 'B Chosen'])
    const all = (await t.api('get_images', {}, admin)).body.images
    expect(res.body.images[1]).toEqual(all.find((i: { image_id: string }) => i.image_id === kid(chosen.id)))
    expect((await t.api('get_images_group', { target_group: { group_id: (await t.seed.group()).id } }, admin)).body.images).toEqual([])
  })

  it('needs groups_view (403 before 404); without images_view it shows only the launcher’s fields', async () => {
    const g = await t.seed.group()
    const img = await t.seed.image({ runConfig: { cap_add: ['NET_ADMIN'] } })
    await t.seed.permitImage(g.id, img.id)
    const me = await t.seed.plainUser()
    const bare = await t.seed.apiKey({ permissions: ['images_view'] })
    for (const auth of [me, { key: bare }]) {
      expect((await t.api('get_images_group', { target_group: { group_id: g.id } }, auth)).status).toBe(403)
      expect((await t.api('get_images_group', { target_group: { group_id: crypto.randomUUID() } }, auth)).status).toBe(403)
    }
    const viewer = await t.seed.apiKey({ permissions: ['groups_view'], readOnly: true })
    const res = await t.api('get_images_group', { target_group: { group_id: g.id } }, { key: viewer })
    expect(res.status).toBe(200)
    expect(res.body.images.map((i: { image_id: string }) => i.image_id)).toEqual([kid(img.id)])
    expect(res.body.images[0]).not.toHaveProperty('run_config')
    const unknown = await t.api('get_images_group', { target_group: { group_id: crypto.randomUUID() } }, { key: viewer })
    expect([unknown.status, unknown.body.field]).toEqual([404, 'target_group.group_id'])
    const bad = await t.api('get_images_group', { target_group: { group_id: 'nope' } }, admin)
    expect([bad.status, bad.body.field]).toEqual([400, 'target_group.group_id'])
  })
})
