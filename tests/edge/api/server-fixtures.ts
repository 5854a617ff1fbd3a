// What the server-session tests share: a fixed server made through the API, a Server (or Server Pool)
// workspace on it that a group may launch, users in that group, and a proxy online in the zone.
import type { TestContext } from '../../support/context'
import { kid } from '../../support/builders'
import { enrolTestProxy, registrationToken } from '../../support/test-agent'

export const SSH_SERVER = {
  zone_name: 'default',
  connection_type: 'SSH',
  connection_credential_type: 'STATIC',
  ip_hostname: '192.0.2.10',
  port: 22,
  connection_username: 'ops',
  connection_password: 'Pässwörd-1',
}

export function serverFixtures(t: TestContext, admin: { token: string }) {
  const unique = () => crypto.randomUUID().slice(0, 8)

  async function server(fields: Record<string, unknown> = {}) {
    const res = await t.api('create_server', { target_server: { ...SSH_SERVER, name: `srv-${unique()}`, ...fields } }, admin)
    if (res.status !== 200) throw new Error(`create_server: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body.server as { server_id: string; name: string }
  }

  async function pool() {
    const res = await t.api(
      'create_server_pool',
      { target_server_pool: { server_pool_name: `pool-${unique()}`, server_pool_type: 'Server' } },
      admin,
    )
    return res.body.server_pool as { server_pool_id: string }
  }

  /** A workspace on `target` (a server, or a pool when `pool` is set) and a group that may launch it, with `settings`. */
  async function workspace(target: { server_id?: string; server_pool_id?: string }, settings: Record<string, unknown> = {}) {
    const image_type = target.server_pool_id ? 'Server Pool' : 'Server'
    const res = await t.api('create_image', { target_image: { friendly_name: `ws-${unique()}`, image_type, ...target } }, admin)
    if (res.status !== 200) throw new Error(`create_image: ${res.status} ${JSON.stringify(res.body)}`)
    const g = await t.seed.group({ settings })
    await t.seed.permitImage(g.id, res.body.image.image_id)
    const user = async () => {
      const u = await t.seed.user({ groups: [g.name], password: true })
      return { user: u, auth: { token: await t.seed.tokenFor(u.id) } }
    }
    return { imageId: res.body.image.image_id as string, group: g, user }
  }

  /** A proxy online in the default zone (request_kasm needs one there). */
  const proxy = async (publicUrl?: string) => enrolTestProxy(t, await registrationToken(t, admin), { publicUrl })

  const launch = (imageId: string, auth: { token: string }) => t.api('request_kasm', { image_id: imageId }, auth)

  return { server, pool, workspace, proxy, launch, kid }
}
