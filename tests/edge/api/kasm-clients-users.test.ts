// Kasm's own clients, replayed: the request bodies they send for the user, group, workspace and zone
// verbs of Kasm's developer API, byte for byte as Python's json.dumps writes them (only ids
// and secrets filled in), and the answer shapes the reference gives.
import { beforeAll, describe, expect, it } from 'vitest'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'

const { t, admin } = useTestContext()
const HEX32 = /^[0-9a-f]{32}$/

async function replay(verb: string, text: string) {
  const res = await t.app.request(`/api/public/${verb}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text })
  return { status: res.status, body: JSON.parse(await res.text()) as any }
}

let key: { api_key: string; api_key_secret: string }
const creds = () => `"api_key": "${key.api_key}", "api_key_secret": "${key.api_key_secret}"`
beforeAll(async () => {
  key = await t.seed.apiKey({
    permissions: [
      'users_view',
      'users_create',
      'users_modify',
      'users_delete',
      'users_auth_session',
      'groups_view',
      'groups_modify',
      'groups_create',
      'groups_delete',
      'images_view',
      'images_create',
      'images_modify',
      'images_delete',
      'zones_view',
      'servers_view',
      'servers_modify',
      'user',
    ],
  })
})

const USER_FIELDS = [
  'user_id',
  'username',
  'first_name',
  'last_name',
  'phone',
  'organization',
  'realm',
  'last_session',
  'notes',
  'groups',
  'disabled',
  'locked',
]

describe("Kasm's clients, users", () => {
  it('create_user answers with the documented user, in All Users; get_user by id or username adds the rest', async () => {
    const created = await replay(
      'create_user',
      `{${creds()}, "target_user": {"username": "kasm-client@example.com", "first_name": "Kasm", "last_name": "Client", "locked": false, "disabled": false, "organization": "Acme", "phone": "555-0100", "password": "s3cret-passw0rd"}}`,
    )
    expect(created.status).toBe(200)
    const user = created.body.user
    for (const f of USER_FIELDS) expect(user, f).toHaveProperty(f)
    expect(user).toMatchObject({
      username: 'kasm-client@example.com',
      realm: 'local',
      last_session: null,
      notes: null,
      locked: false,
      disabled: false,
    })
    expect(user.user_id).toMatch(HEX32)
    expect(user.groups).toEqual([{ name: 'All Users', group_id: expect.stringMatching(HEX32) }])

    for (const target of [`{"user_id": "${user.user_id}"}`, `{"username": "kasm-client@example.com"}`]) {
      const got = await replay('get_user', `{${creds()}, "target_user": ${target}}`)
      expect(got.status).toBe(200)
      for (const f of [
        ...USER_FIELDS,
        'email',
        'city',
        'state',
        'country',
        'created',
        'password_set_date',
        'two_factor',
        'program_id',
        'kasms',
        'assigned_servers',
      ])
        expect(got.body.user, f).toHaveProperty(f)
      expect(got.body.user).toMatchObject({ two_factor: false, program_id: null, kasms: [], assigned_servers: [] })
    }
    const all = await replay('get_users', `{${creds()}}`)
    expect(all.body.users.find((u: { user_id: string }) => u.user_id === user.user_id)).toMatchObject({
      username: 'kasm-client@example.com',
    })
  })

  it('get_user lists the user’s sessions with their dates and server, and their assigned servers', async () => {
    const u = await t.seed.user()
    const image = await t.seed.image()
    const kasm = await t.seed.kasm(u.id, image.id)
    const pool = (await t.api('create_server_pool', { target_server_pool: { server_pool_name: 'Assigned desks' } }, admin)).body.server_pool
    const server = (
      await t.api(
        'create_server',
        {
          target_server: {
            name: 'desk-1',
            zone_name: 'default',
            connection_type: 'RDP',
            connection_credential_type: 'STATIC',
            ip_hostname: '10.1.1.1',
            port: 3389,
            pool_id: pool.server_pool_id,
          },
        },
        admin,
      )
    ).body.server
    const assign = `{${creds()}, "target_user": {"user_id": "${kid(u.id)}"}, "target_server": {"server_id": "${server.server_id}"}}`
    expect((await replay('assign_user_server', assign)).status).toBe(200)
    const got = (await replay('get_user', `{${creds()}, "target_user": {"user_id": "${kid(u.id)}"}}`)).body.user
    expect(got.kasms).toEqual([
      {
        kasm_id: kid(kasm.id),
        image_id: kid(image.id),
        operational_status: 'running',
        start_date: null,
        keepalive_date: null,
        expiration_date: null,
        server: { server_id: null, hostname: null, port: null },
      },
    ])
    expect(got.assigned_servers).toEqual([server.server_id])
    expect((await replay('unassign_user_server', assign)).status).toBe(200)
    expect((await replay('get_user', `{${creds()}, "target_user": {"user_id": "${kid(u.id)}"}}`)).body.user.assigned_servers).toEqual([])
  })

  it('update_user, logout_user and delete_user with force take Kasm’s bodies', async () => {
    const u = await t.seed.user()
    const updated = await replay(
      'update_user',
      `{${creds()}, "target_user": {"user_id": "${kid(u.id)}", "username": "renamed@example.com", "first_name": "Re", "last_name": "Named", "locked": false, "disabled": false, "organization": "", "phone": "", "email": "re@example.com", "city": "Lyon", "state": "", "country": "FR"}}`,
    )
    expect(updated.status).toBe(200)
    expect(updated.body.user).toMatchObject({
      username: 'renamed@example.com',
      email: 're@example.com',
      city: 'Lyon',
      country: 'FR',
      organization: null,
    })
    expect((await replay('logout_user', `{${creds()}, "target_user": {"user_id": "${kid(u.id)}"}}`)).status).toBe(200)
    expect(await replay('delete_user', `{${creds()}, "target_user": {"user_id": "${kid(u.id)}"}, "force": true}`)).toEqual({
      status: 200,
      body: {},
    })
  })

  it('get_attributes has user_attributes_id; update_user_attributes takes back what it read ("" key, null flags)', async () => {
    const u = await t.seed.user()
    const read = await replay('get_attributes', `{${creds()}, "target_user": {"user_id": "${kid(u.id)}"}}`)
    expect(read.status).toBe(200)
    const a = read.body.user_attributes
    expect(Object.keys(a).sort()).toEqual(
      [
        'auto_login_kasm',
        'chat_sfx',
        'default_image',
        'preferred_language',
        'preferred_timezone',
        'show_tips',
        'ssh_public_key',
        'theme',
        'toggle_control_panel',
        'user_attributes_id',
        'user_id',
      ].sort(),
    )
    expect(a.user_attributes_id).toMatch(HEX32)
    expect(a.user_id).toBe(kid(u.id))
    for (const verb of ['update_user_attributes', 'update_attributes']) {
      const res = await replay(
        verb,
        `{${creds()}, "target_user_attributes": {"user_id": "${kid(u.id)}", "ssh_public_key": "", "show_tips": false, "theme": "dark", "preferred_language": "fr-FR", "preferred_timezone": "Europe/Paris", "toggle_control_panel": null, "default_image": null, "auto_login_kasm": null}}`,
      )
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.user_attributes).toMatchObject({
        ssh_public_key: null,
        show_tips: false,
        theme: 'dark',
        auto_login_kasm: false,
        toggle_control_panel: false,
      })
    }
  })

  it('get_login gives a one-time link that signs the user in once', async () => {
    const u = await t.seed.user()
    const res = await replay('get_login', `{${creds()}, "target_user": {"user_id": "${kid(u.id)}"}}`)
    expect(res.status).toBe(200)
    expect(res.body.url).toMatch(/^\/#\/login-link\/[A-Za-z0-9]{43}$/)
    const token = res.body.url.split('/').pop()
    const first = await t.api('login', { login_token: token })
    expect(first.status).toBe(200)
    expect(first.body.user.user_id).toBe(kid(u.id))
    expect((await t.api('login', { login_token: token })).status).toBe(401)
  })
})

describe("Kasm's clients, groups, workspaces and zones", () => {
  it('group settings by the three verb names, values as text, by name or group_setting_id', async () => {
    const g = (
      await replay(
        'create_group',
        `{${creds()}, "target_group": {"name": "Kasm Client Group", "description": "made by a client", "priority": 4321}}`,
      )
    ).body.group
    expect(g.group_id).toMatch(HEX32)
    const set = async (verb: string, setting: string) =>
      replay(verb, `{${creds()}, "target_group": {"group_id": "${g.group_id}"}, "target_setting": ${setting}}`)
    expect((await set('add_settings_group', '{"name": "allow_kasm_downloads", "value": "False"}')).status).toBe(200)
    expect((await set('update_settings_group', '{"name": "max_kasms_per_user", "value": "5"}')).status).toBe(200)
    const settings = (await replay('get_settings_group', `{${creds()}, "target_group": {"group_id": "${g.group_id}"}}`)).body.settings
    const byName = (n: string) => settings.find((s: { name: string }) => s.name === n)
    expect(byName('allow_kasm_downloads').value).toBe(false)
    expect(byName('max_kasms_per_user').value).toBe(5)
    expect(
      (await set('set_settings_group', `{"group_setting_id": "${byName('max_kasms_per_user').group_setting_id}", "value": "7"}`)).status,
    ).toBe(200)
    const again = (await replay('get_settings_group', `{${creds()}, "target_group": {"group_id": "${g.group_id}"}}`)).body.settings
    expect(again.find((s: { name: string }) => s.name === 'max_kasms_per_user').value).toBe(7)
    const bad = await set('set_settings_group', '{"name": "max_kasms_per_user", "value": "many"}')
    expect(bad.status).toBe(400)
    expect(bad.body.field).toBe('target_setting.value')
  })

  it('get_users_group lists the members; add/remove_user_group take Kasm’s bodies', async () => {
    const g = await t.seed.group()
    const u = await t.seed.user()
    const body = `{${creds()}, "target_user": {"user_id": "${kid(u.id)}"}, "target_group": {"group_id": "${kid(g.id)}"}}`
    expect((await replay('add_user_group', body)).status).toBe(200)
    const members = await replay('get_users_group', `{${creds()}, "target_group": {"group_id": "${kid(g.id)}"}}`)
    expect(members.body.users.map((x: { user_id: string }) => x.user_id)).toEqual([kid(u.id)])
    expect((await replay('remove_user_group', body)).status).toBe(200)
  })

  it('create_image takes run_config, exec_config, volume_mappings and categories as JSON text; get_image reads it', async () => {
    const made = await replay(
      'create_image',
      `{${creds()}, "target_image": {"friendly_name": "Kasm Chrome", "name": "kasmweb/chrome:1.16.0", "image_src": "img/thumbnails/chrome.png", "categories": "[\\"Browser\\"]", "run_config": "{\\"hostname\\": \\"kasm\\", \\"environment\\": {\\"A\\": \\"1\\"}}", "exec_config": "{}", "volume_mappings": "", "docker_registry": "https://index.docker.io/v1/", "uncompressed_size_mb": 2000, "image_type": "Container", "enabled": true, "memory": 2768000000, "cores": 2, "gpu_count": 0, "require_gpu": false}}`,
    )
    expect(made.status, JSON.stringify(made.body)).toBe(200)
    const image = made.body.image
    expect(image.image_id).toMatch(HEX32)
    const got = await replay('get_image', `{${creds()}, "target_image": {"image_id": "${image.image_id}"}}`)
    expect(got.status).toBe(200)
    expect(got.body.image).toMatchObject({
      image_id: image.image_id,
      friendly_name: 'Kasm Chrome',
      categories: ['Browser'],
      run_config: { hostname: 'kasm', environment: { A: '1' } },
    })
    const bad = await replay('update_image', `{${creds()}, "target_image": {"image_id": "${image.image_id}", "run_config": "{not json"}}`)
    expect(bad.status).toBe(400)
    expect(bad.body.field).toBe('target_image.run_config')
  })

  it('get_zones takes brief and lists zone_id and zone_name', async () => {
    const res = await replay('get_zones', `{${creds()}, "brief": true}`)
    expect(res.status).toBe(200)
    expect(res.body.zones[0]).toMatchObject({ zone_id: expect.stringMatching(HEX32), zone_name: expect.any(String) })
  })
})
