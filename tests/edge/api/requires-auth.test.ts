// Every verb refuses anonymous callers, and every admin verb refuses a plain user and a bare API key.
import { describe, expect, it } from 'vitest'
import { useTestContext } from '../../support/context'

const { t } = useTestContext()

const ADMIN_VERBS = [
  'get_users',
  'create_user',
  'update_user',
  'delete_user',
  'get_groups',
  'create_group',
  'update_group',
  'delete_group',
  'add_user_group',
  'remove_user_group',
  'get_settings_group',
  'update_settings_group',
  'add_images_group',
  'remove_images_group',
  'get_permissions_group',
  'add_permissions_group',
  'remove_permissions_group',
  'create_image',
  'update_image',
  'delete_image',
  'get_zones',
  'create_zone',
  'update_zone',
  'delete_zone',
  'get_api_keys',
  'create_api_key',
  'update_api_key',
  'delete_api_key',
  'set_api_key_permissions',
  'get_agents',
  'update_agent',
  'delete_agent',
  'create_registration_token',
  'get_registration_tokens',
  'revoke_registration_token',
  'get_connection_proxies',
  'update_connection_proxy',
  'delete_connection_proxy',
  'get_images_group',
  'get_servers',
  'get_server',
  'create_server',
  'update_server',
  'delete_server',
  'batch_create_server',
  'get_server_pools',
  'create_server_pool',
  'update_server_pool',
  'delete_server_pool',
  'get_users_group',
  'set_settings_group',
  'add_settings_group',
  'assign_user_server',
  'unassign_user_server',
  'get_login',
]
const SELF_VERBS = [
  'logout',
  'get_user',
  'logout_user',
  'get_attributes',
  'update_user_attributes',
  'update_attributes',
  'get_images',
  'request_kasm',
  'get_kasm_status',
  'get_kasms',
  'destroy_kasm',
  'keepalive',
  'exec_command_kasm',
  'pause_kasm',
  'stop_kasm',
  'resume_kasm',
  'get_kasm_screenshot',
  'join_kasm',
  'get_image',
  'set_password',
]

// Bodies that pass validation, so the refusal tested is the permission check, not a 400.
const id = '00000000000040008000000000000001'
const BODY: Record<string, Record<string, unknown>> = {
  create_user: { target_user: { username: 'n@example.com' } },
  update_user: { target_user: { user_id: id, first_name: 'x' } },
  delete_user: { target_user: { user_id: id } },
  create_group: { target_group: { name: 'g', priority: 99_999 } },
  update_group: { target_group: { group_id: id } },
  delete_group: { target_group: { group_id: id } },
  add_user_group: { target_user: { user_id: id }, target_group: { group_id: id } },
  remove_user_group: { target_user: { user_id: id }, target_group: { group_id: id } },
  get_settings_group: { target_group: { group_id: id } },
  update_settings_group: { target_group: { group_id: id }, target_setting: { name: 'max_kasms_per_user', value: 1 } },
  add_images_group: { target_group: { group_id: id }, target_image: { image_id: id } },
  remove_images_group: { target_group: { group_id: id }, target_image: { image_id: id } },
  get_permissions_group: { target_group: { group_id: id } },
  add_permissions_group: { target_group: { group_id: id }, target_permissions: ['users_view'] },
  remove_permissions_group: { target_group: { group_id: id }, target_permissions: ['users_view'] },
  create_image: { target_image: { friendly_name: 'x', name: 'a/b:1' } },
  update_image: { target_image: { image_id: id } },
  delete_image: { target_image: { image_id: id } },
  create_zone: { target_zone: { zone_name: 'z' } },
  update_zone: { target_zone: { zone_id: id } },
  delete_zone: { target_zone: { zone_id: id } },
  create_api_key: { target_api_key: { name: 'k' } },
  update_api_key: { target_api_key: { api_key_id: id } },
  delete_api_key: { target_api_key: { api_key_id: id } },
  set_api_key_permissions: { target_api_key: { api_key_id: id }, target_permissions: [] },
  get_user: { target_user: { user_id: id } },
  logout_user: { target_user: { user_id: id } },
  get_attributes: { target_user: { user_id: id } },
  update_user_attributes: { target_user_attributes: { user_id: id } },
  update_attributes: { target_user_attributes: { user_id: id } },
  update_agent: { target_agent: { agent_id: id, enabled: false } },
  delete_agent: { target_agent: { agent_id: id } },
  create_registration_token: { target_registration_token: { zone_id: id } },
  revoke_registration_token: { target_registration_token: { registration_token_id: id } },
  update_connection_proxy: { target_connection_proxy: { connection_proxy_id: id, enabled: false } },
  delete_connection_proxy: { target_connection_proxy: { connection_proxy_id: id } },
  get_images_group: { target_group: { group_id: id } },
  get_server: { target_server: { server_id: id } },
  create_server: {
    target_server: {
      name: 's',
      zone_name: 'default',
      connection_type: 'SSH',
      connection_credential_type: 'STATIC',
      ip_hostname: 'h',
      port: 22,
    },
  },
  update_server: { target_server: { server_id: id, port: 23 } },
  delete_server: { target_server: { server_id: id } },
  batch_create_server: { csv: 'name,zone_name,connection_type,connection_credential_type,ip_hostname,port\ns,default,SSH,STATIC,h,22' },
  create_server_pool: { target_server_pool: { server_pool_name: 'p' } },
  update_server_pool: { target_server_pool: { server_pool_id: id, server_pool_name: 'q' } },
  delete_server_pool: { target_server_pool: { server_pool_id: id } },
  request_kasm: { image_id: id },
  get_kasm_status: { kasm_id: id },
  destroy_kasm: { kasm_id: id },
  keepalive: { kasm_id: id },
  exec_command_kasm: { kasm_id: id, exec_config: { cmd: 'id' } },
  pause_kasm: { kasm_id: id },
  stop_kasm: { kasm_id: id },
  resume_kasm: { kasm_id: id },
  get_kasm_screenshot: { kasm_id: id },
  join_kasm: { share_id: 'abcd1234' },
  get_users_group: { target_group: { group_id: id } },
  set_settings_group: { target_group: { group_id: id }, target_setting: { name: 'max_kasms_per_user', value: '1' } },
  add_settings_group: { target_group: { group_id: id }, target_setting: { name: 'max_kasms_per_user', value: '1' } },
  assign_user_server: { target_user: { user_id: id }, target_server: { server_id: id } },
  unassign_user_server: { target_user: { user_id: id }, target_server: { server_id: id } },
  get_login: { target_user: { user_id: id } },
  get_image: { target_image: { image_id: id } },
  set_password: { current_password: 'x', new_password: 'a-new-password' },
}

/** Every verb the app serves, from its route table (login aside: it is how a caller authenticates). */
const servedVerbs = () =>
  [
    ...new Set(
      t.app.routes.filter((r) => r.method === 'POST' && r.path.startsWith('/api/public/')).map((r) => r.path.slice('/api/public/'.length)),
    ),
  ].filter((v) => v !== 'login')

describe('authentication and permission on every verb', () => {
  it('classes every verb the API serves, and only those, so a new one cannot be left out', () => {
    const served = servedVerbs()
    expect(served.filter((v) => !ADMIN_VERBS.includes(v) && !SELF_VERBS.includes(v)).sort()).toEqual([])
    expect([...ADMIN_VERBS, ...SELF_VERBS].filter((v) => !served.includes(v)).sort()).toEqual([])
  })

  it('anonymous callers get 401 everywhere', async () => {
    for (const verb of servedVerbs()) {
      const res = await t.api(verb, BODY[verb] ?? {})
      expect([verb, res.status]).toEqual([verb, 401])
      expect(res.body.error_message).toBeTruthy()
    }
  })

  it('a plain user and an API key without permissions get 403 on admin verbs, and nothing changes', async () => {
    const { token } = await t.seed.plainUser()
    const key = await t.seed.apiKey()
    const before = await t.counts()
    for (const verb of ADMIN_VERBS) {
      expect([verb, (await t.api(verb, BODY[verb] ?? {}, { token })).status]).toEqual([verb, 403])
      expect([verb, (await t.api(verb, BODY[verb] ?? {}, { key })).status]).toEqual([verb, 403])
    }
    expect(await t.counts()).toEqual(before)
  })
})
