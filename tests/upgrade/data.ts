// What an upgrade must keep: one of each entity an operator makes, written through the public API of a
// release (scripts/make-upgrade-fixture.ts runs it against that release's `npm start`), and read back
// through the new release's API (tests/e2e/upgrade.test.ts). Only verbs and fields every release since the
// fixtures' has served are used.

export const ADMIN = { username: 'admin@kasm.local', password: 'Upgrade-Admin-Pass-1' }
export const USER = { username: 'upgrade-user@example.com', password: 'Upgrade-User-Pässword-1', first_name: 'Ada' }
export const SERVER_PASSWORD = 'Upgrade-Srv-Pässwörd-1'

/** What the fixture's writer made, kept beside the fixture as manifest.json. */
export type Manifest = {
  release: string
  userId: string
  groupId: string
  desktopImageId: string
  serverImageId: string
  serverId: string
  zoneId: string
  apiKey: { api_key: string; api_key_secret: string }
}

type Api = (verb: string, body: Record<string, unknown>, token?: string) => Promise<{ status: number; body: any }>

export const apiAt =
  (url: string): Api =>
  async (verb, body, token) => {
    const res = await fetch(`${url}/api/public/${verb}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: await res.json() }
  }

async function ok(api: Api, verb: string, body: Record<string, unknown>, token?: string) {
  const r = await api(verb, body, token)
  if (r.status !== 200) throw new Error(`${verb}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

/** Writes the fixture's entities; the release was started with ADMIN's password. */
export async function populate(url: string, release: string): Promise<Manifest> {
  const api = apiAt(url)
  const admin = (await ok(api, 'login', ADMIN)).token as string
  const group = (
    await ok(api, 'create_group', { target_group: { name: 'Upgraders', priority: 40, description: 'kept across releases' } }, admin)
  ).group
  const gid = { group_id: group.group_id }
  await ok(api, 'update_settings_group', { target_group: gid, target_setting: { name: 'max_kasms_per_user', value: 3 } }, admin)
  await ok(api, 'update_settings_group', { target_group: gid, target_setting: { name: 'allow_kasm_downloads', value: false } }, admin)
  const user = (await ok(api, 'create_user', { target_user: { ...USER } }, admin)).user
  await ok(api, 'add_user_group', { target_user: { user_id: user.user_id }, target_group: gid }, admin)
  const desktop = (
    await ok(
      api,
      'create_image',
      { target_image: { friendly_name: 'Upgrade Desktop', name: 'oriel/desktop:1.0', cores: 1, memory: 1024 ** 3 } },
      admin,
    )
  ).image
  await ok(api, 'add_images_group', { target_group: gid, target_image: { image_id: desktop.image_id } }, admin)
  const zone = (await ok(api, 'create_zone', { target_zone: { zone_name: 'upgrade-zone' } }, admin)).zone
  const server = (
    await ok(
      api,
      'create_server',
      {
        target_server: {
          name: 'upgrade-ssh',
          zone_name: 'default',
          connection_type: 'SSH',
          connection_credential_type: 'STATIC',
          ip_hostname: '192.0.2.10',
          port: 22,
          connection_username: 'orielup',
          connection_password: SERVER_PASSWORD,
        },
      },
      admin,
    )
  ).server
  const serverImage = (
    await ok(
      api,
      'create_image',
      { target_image: { friendly_name: 'Upgrade SSH', image_type: 'Server', server_id: server.server_id } },
      admin,
    )
  ).image
  await ok(api, 'add_images_group', { target_group: gid, target_image: { image_id: serverImage.image_id } }, admin)
  const key = (await ok(api, 'create_api_key', { target_api_key: { name: 'upgrade key' } }, admin)).api_key
  await ok(api, 'set_api_key_permissions', { target_api_key: { api_key_id: key.api_key_id }, target_permissions: ['users_view'] }, admin)
  return {
    release,
    userId: user.user_id,
    groupId: group.group_id,
    desktopImageId: desktop.image_id,
    serverImageId: serverImage.image_id,
    serverId: server.server_id,
    zoneId: zone.zone_id,
    apiKey: { api_key: key.api_key, api_key_secret: key.api_key_secret },
  }
}

/** A problem list: every entity the fixture's writer made, read back through the new release's API. */
export async function verify(url: string, m: Manifest): Promise<string[]> {
  const api = apiAt(url)
  const problems: string[] = []
  const check = (what: string, ok: boolean, seen?: unknown) =>
    void (ok || problems.push(`${what}${seen === undefined ? '' : `: ${JSON.stringify(seen)}`}`))
  const signIn = await api('login', ADMIN)
  check('the admin signs in with the password set before the upgrade', signIn.status === 200, signIn.body)
  const admin = signIn.body.token as string
  const userSignIn = await api('login', { username: USER.username, password: USER.password })
  check('the user signs in with their password', userSignIn.status === 200, userSignIn.body)
  const user = (await api('get_user', { target_user: { user_id: m.userId } }, admin)).body.user
  check('the user reads back', user?.username === USER.username && user?.first_name === USER.first_name, user)
  const groups = (await api('get_groups', {}, admin)).body.groups as { group_id: string; name: string; priority: number }[]
  check(
    'the group reads back',
    groups.some((g) => g.group_id === m.groupId && g.name === 'Upgraders' && g.priority === 40),
    groups,
  )
  const members = (await api('get_users_group', { target_group: { group_id: m.groupId } }, admin)).body.users as { user_id: string }[]
  check(
    'the user is still in the group',
    members?.some((u) => u.user_id === m.userId),
    members,
  )
  const settings = (await api('get_settings_group', { target_group: { group_id: m.groupId } }, admin)).body.settings as {
    name: string
    value: unknown
  }[]
  const setting = (name: string) => settings?.find((s) => s.name === name)?.value
  check(
    'the group’s settings read back',
    String(setting('max_kasms_per_user')) === '3' && String(setting('allow_kasm_downloads')) === 'false',
    settings,
  )
  const images = (await api('get_images_group', { target_group: { group_id: m.groupId } }, admin)).body.images as { image_id: string }[]
  check(
    'both workspaces are still the group’s',
    [m.desktopImageId, m.serverImageId].every((id) => images?.some((i) => i.image_id === id)),
    images,
  )
  const zones = (await api('get_zones', {}, admin)).body.zones as { zone_id: string; zone_name: string }[]
  check(
    'the zone reads back',
    zones.some((z) => z.zone_id === m.zoneId && z.zone_name === 'upgrade-zone'),
    zones,
  )
  const servers = await api('get_servers', {}, admin)
  const server = (servers.body.servers as { server_id: string; connection_username: string }[]).find((s) => s.server_id === m.serverId)
  check('the server reads back', server?.connection_username === 'orielup', server)
  check('the server’s password stays write-only', !JSON.stringify(servers.body).includes(SERVER_PASSWORD))
  const byKey = await api('get_users', { ...m.apiKey }, undefined)
  check('the API key still authenticates, with its permission', byKey.status === 200, byKey.body)
  const denied = await api('create_user', { ...m.apiKey, target_user: { username: 'nope@example.com', password: 'nope-password-1' } })
  check('and only with its permission', denied.status === 403, denied.body)
  return problems
}
