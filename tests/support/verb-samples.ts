// A valid body for every /api/public verb, naming the fixtures made by `makeSampleFixtures`.
// The fuzz test mutates these; a verb without a sample fails that test, so a new verb gets one.
import type { TestContext } from './context'
import { enrolTestProxy } from './test-agent'

export type SampleIds = {
  userId: string
  groupId: string
  imageId: string
  zoneId: string
  kasmId: string
  shareId: string
  apiKeyId: string
  serverId: string
  poolId: string
  tokenId: string
  agentId: string
  proxyId: string
}

const hex = (uuid: string) => uuid.replaceAll('-', '')

/** Entities the samples name, made through the API as an admin would. */
export async function makeSampleFixtures(t: TestContext, admin: { token: string }): Promise<SampleIds> {
  const ok = async (verb: string, body: Record<string, unknown>) => {
    const res = await t.api(verb, body, admin)
    if (res.status !== 200) throw new Error(`${verb}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const user = await t.seed.user({ groups: [] })
  const group = await t.seed.group()
  const image = await t.seed.image()
  await t.seed.permitImage(group.id, image.id)
  const kasm = await t.seed.kasm(user.id, image.id)
  const shareId = `share${crypto.randomUUID().slice(0, 8)}`
  const { kasms } = await import('#schema')
  const { eq } = await import('drizzle-orm')
  await t.db.update(kasms).set({ shareId }).where(eq(kasms.id, kasm.id))
  const zone = (await ok('create_zone', { target_zone: { zone_name: `fuzz-${crypto.randomUUID().slice(0, 8)}` } })).zone
  const pool = (await ok('create_server_pool', { target_server_pool: { server_pool_name: `pool-${crypto.randomUUID().slice(0, 8)}` } }))
    .server_pool
  const server = (
    await ok('create_server', {
      target_server: {
        name: 'fuzz-ssh',
        zone_name: 'default',
        connection_type: 'SSH',
        connection_credential_type: 'STATIC',
        ip_hostname: 'ssh.example.com',
        port: 22,
        pool_id: pool.server_pool_id,
      },
    })
  ).server
  const key = (await ok('create_api_key', { target_api_key: { name: 'fuzz key' } })).api_key
  const token = (await ok('create_registration_token', { target_registration_token: { zone_id: zone.zone_id } })).registration_token
  const proxy = await enrolTestProxy(t, token.token)
  return {
    userId: hex(user.id),
    groupId: hex(group.id),
    imageId: hex(image.id),
    zoneId: zone.zone_id,
    kasmId: hex(kasm.id),
    shareId,
    apiKeyId: key.api_key_id,
    serverId: server.server_id,
    poolId: pool.server_pool_id,
    tokenId: token.registration_token_id,
    agentId: hex(crypto.randomUUID()),
    proxyId: hex(proxy.id),
  }
}

/** A valid body for each verb (destructive verbs name fixtures made for them). */
export function sampleBodies(i: SampleIds): Record<string, Record<string, unknown>> {
  const user = { user_id: i.userId }
  const group = { group_id: i.groupId }
  return {
    login: { username: 'nobody@example.com', password: 'not-the-password' },
    logout: {},
    set_password: { current_password: 'not-the-password', new_password: 'a-new-password-1' },
    get_users: {},
    get_user: { target_user: user },
    create_user: {
      target_user: { username: `fuzz-${i.userId.slice(0, 6)}@example.com`, first_name: 'Fuzz', password: 'fuzz-password-1', locked: false },
    },
    update_user: { target_user: { ...user, first_name: 'F', email: 'f@example.com', city: 'Paris' } },
    delete_user: { target_user: user, force: false },
    logout_user: { target_user: user },
    get_attributes: { target_user: user },
    update_user_attributes: {
      target_user_attributes: { ...user, show_tips: true, preferred_timezone: 'UTC', ssh_public_key: '', auto_login_kasm: null },
    },
    update_attributes: { target_user_attributes: { ...user, theme: 'dark' } },
    get_login: { target_user: user },
    assign_user_server: { target_user: user, target_server: { server_id: i.serverId } },
    unassign_user_server: { target_user: user, target_server: { server_id: i.serverId } },
    get_groups: {},
    create_group: { target_group: { name: `g-${i.groupId.slice(0, 6)}`, priority: 4242, description: 'd' } },
    update_group: { target_group: { ...group, description: 'x', priority: 4243 } },
    delete_group: { target_group: group },
    add_user_group: { target_user: user, target_group: group },
    remove_user_group: { target_user: user, target_group: group },
    get_settings_group: { target_group: group },
    update_settings_group: { target_group: group, target_setting: { name: 'max_kasms_per_user', value: 3 } },
    set_settings_group: { target_group: group, target_setting: { name: 'allow_kasm_downloads', value: 'False' } },
    add_settings_group: { target_group: group, target_setting: { name: 'volume_mapping', value: '{"/srv/a": {"bind": "/a"}}' } },
    get_users_group: { target_group: group },
    get_images_group: { target_group: group },
    add_images_group: { target_group: group, target_image: { image_id: i.imageId } },
    remove_images_group: { target_group: group, target_image: { image_id: i.imageId } },
    get_permissions_group: { target_group: group },
    add_permissions_group: { target_group: group, target_permissions: ['users_view'] },
    remove_permissions_group: { target_group: group, target_permissions: ['users_view'] },
    get_images: {},
    get_image: { target_image: { image_id: i.imageId } },
    create_image: {
      target_image: {
        friendly_name: 'Fuzz',
        name: 'oriel/desktop:1.0',
        cores: 1,
        memory: 1_073_741_824,
        run_config: { environment: { A: '1' } },
        include_labels: ['x'],
      },
    },
    update_image: { target_image: { image_id: i.imageId, description: 'd', cores: 2, categories: ['a'] } },
    delete_image: { target_image: { image_id: i.imageId } },
    get_zones: {},
    create_zone: { target_zone: { zone_name: 'fuzz-zone-2', load_balancing_strategy: 'least_load', proxy_port: 443 } },
    update_zone: { target_zone: { zone_id: i.zoneId, description: 'd', search_alternate_zones: true } },
    delete_zone: { target_zone: { zone_id: i.zoneId } },
    get_api_keys: {},
    create_api_key: { target_api_key: { name: 'k2', read_only: true, expires: '2099-01-01T00:00:00Z' } },
    update_api_key: { target_api_key: { api_key_id: i.apiKeyId, enabled: true } },
    delete_api_key: { target_api_key: { api_key_id: i.apiKeyId } },
    set_api_key_permissions: { target_api_key: { api_key_id: i.apiKeyId }, target_permissions: ['users_view'] },
    get_agents: {},
    update_agent: { target_agent: { agent_id: i.agentId, enabled: true, cores_override: 4, labels: ['a'] } },
    delete_agent: { target_agent: { agent_id: i.agentId }, force: false },
    create_registration_token: { target_registration_token: { zone_id: i.zoneId, description: 'd', expires_in_seconds: 3600 } },
    get_registration_tokens: {},
    get_connection_proxies: {},
    update_connection_proxy: { target_connection_proxy: { connection_proxy_id: i.proxyId, enabled: true, draining: false } },
    delete_connection_proxy: { target_connection_proxy: { connection_proxy_id: i.proxyId } },
    revoke_registration_token: { target_registration_token: { registration_token_id: i.tokenId } },
    get_servers: {},
    get_server: { target_server: { server_id: i.serverId } },
    create_server: {
      target_server: {
        name: 's2',
        zone_name: 'default',
        connection_type: 'RDP',
        connection_credential_type: 'STATIC',
        ip_hostname: '10.0.0.2',
        port: 3389,
        connection_username: 'u',
        connection_password: 'p',
        labels: 'a,b',
      },
    },
    update_server: {
      target_server: { server_id: i.serverId, port: 2222, connection_info: { guac: { type: 'ssh', settings: { 'font-size': '12' } } } },
    },
    delete_server: { target_server: { server_id: i.serverId } },
    batch_create_server: {
      servers: [
        { name: 's3', zone_name: 'default', connection_type: 'SSH', connection_credential_type: 'STATIC', ip_hostname: 'h3', port: 22 },
      ],
    },
    get_server_pools: {},
    create_server_pool: { target_server_pool: { server_pool_name: 'p2', server_pool_type: 'Server', description: 'd' } },
    update_server_pool: { target_server_pool: { server_pool_id: i.poolId, description: 'd2' } },
    delete_server_pool: { target_server_pool: { server_pool_id: i.poolId } },
    request_kasm: {
      image_id: i.imageId,
      user_id: i.userId,
      enable_sharing: true,
      environment: { A: 'b' },
      client_language: 'en-US',
      client_timezone: 'Europe/Paris',
      persistent_profile_mode: 'Enabled',
    },
    get_kasm_status: { kasm_id: i.kasmId, user_id: i.userId, skip_agent_check: true },
    get_kasms: {},
    destroy_kasm: { kasm_id: i.kasmId, user_id: i.userId },
    keepalive: { kasm_id: i.kasmId },
    exec_command_kasm: { kasm_id: i.kasmId, user_id: i.userId, exec_config: { cmd: 'id', environment: { A: '1' }, workdir: '/tmp' } },
    pause_kasm: { kasm_id: i.kasmId },
    stop_kasm: { kasm_id: i.kasmId },
    resume_kasm: { kasm_id: i.kasmId },
    get_kasm_screenshot: { kasm_id: i.kasmId, width: 320 },
    join_kasm: { share_id: i.shareId },
    // The agent protocol: enrolment with a token that does not exist; the rest are signed, so refused first.
    'agent/enroll': {
      token: 'not-a-registration-token-0123456789',
      name: 'fuzz-agent',
      public_url: 'https://agent.example.com',
      public_jwk: { kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) },
      resources: { cores: 2, memory_bytes: 1024, gpus: 0 },
      labels: ['a'],
    },
    'agent/poll': { resources: { cores: 2, memory_bytes: 1024, gpus: 0 }, images: ['oriel/desktop:1.0'], sessions: [] },
    'agent/report': { sessions: [], execs: [] },
    'agent/screenshot': { kasm_id: i.kasmId, ok: true },
  }
}
