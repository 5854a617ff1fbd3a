// Admins' verbs for connection proxies: get_connection_proxies, update_connection_proxy,
// delete_connection_proxy, behind the connection_proxies_* permissions.
import { describe, expect, it } from 'vitest'
import { useTestContext } from '../../support/context'
import { enrolTestProxy, registrationToken } from '../../support/test-agent'

const { t, admin } = useTestContext()
const LOAD = { connections: 7, cpu_percent: 40, cluster_size: 3 }
const listed = async (id: string) =>
  (await t.api('get_connection_proxies', {}, admin)).body.connection_proxies.find(
    (p: { connection_proxy_id: string }) => p.connection_proxy_id === id.replaceAll('-', ''),
  )

describe('connection proxy administration', () => {
  it('lists a proxy with its zone, address and last reported load', async () => {
    const p = await enrolTestProxy(t, await registrationToken(t, admin), { name: 'guac-a' })
    await p.heartbeat(LOAD)
    const zones = (await t.api('get_zones', {}, admin)).body.zones as { zone_id: string; zone_name: string }[]
    expect(await listed(p.id)).toEqual({
      connection_proxy_id: p.id.replaceAll('-', ''),
      connection_proxy_type: 'GUAC',
      zone_id: zones.find((z) => z.zone_name === 'default')!.zone_id,
      name: 'guac-a',
      server_address: '127.0.0.1',
      server_port: 9,
      public_url: 'http://127.0.0.1:9',
      status: 'online',
      enabled: true,
      draining: false,
      cluster_size: 3,
      connections: 7,
      cpu_percent: 40,
      first_reported: expect.any(String),
      last_reported: t.clock.now().toISOString(),
      version: null,
    })
  })

  it('disables and drains a proxy; an unknown one is 404', async () => {
    const p = await enrolTestProxy(t, await registrationToken(t, admin))
    const res = await t.api(
      'update_connection_proxy',
      { target_connection_proxy: { connection_proxy_id: p.id, enabled: false, draining: true } },
      admin,
    )
    expect([res.status, res.body.connection_proxy.enabled, res.body.connection_proxy.draining]).toEqual([200, false, true])
    expect(await listed(p.id)).toMatchObject({ enabled: false, draining: true })
    const missing = await t.api(
      'update_connection_proxy',
      { target_connection_proxy: { connection_proxy_id: crypto.randomUUID(), enabled: false } },
      admin,
    )
    expect([missing.status, missing.body.field]).toEqual([404, 'target_connection_proxy.connection_proxy_id'])
    const bad = await t.api('update_connection_proxy', { target_connection_proxy: { connection_proxy_id: p.id, enabled: 'no' } }, admin)
    expect(bad.status).toBe(400)
    expect(await listed(p.id)).toMatchObject({ enabled: false, draining: true })
  })

  it('deletes a proxy, whose key then stops working', async () => {
    const p = await enrolTestProxy(t, await registrationToken(t, admin))
    expect((await t.api('delete_connection_proxy', { target_connection_proxy: { connection_proxy_id: p.id } }, admin)).status).toBe(200)
    expect(await listed(p.id)).toBeUndefined()
    expect((await p.heartbeat(LOAD)).status).toBe(401)
    expect((await t.api('delete_connection_proxy', { target_connection_proxy: { connection_proxy_id: p.id } }, admin)).status).toBe(404)
  })

  it('needs the connection_proxies_* permissions, and a refused call changes nothing', async () => {
    const p = await enrolTestProxy(t, await registrationToken(t, admin))
    const me = await t.seed.plainUser()
    const target = { target_connection_proxy: { connection_proxy_id: p.id } }
    expect((await t.api('get_connection_proxies', {}, me)).status).toBe(403)
    expect(
      (await t.api('update_connection_proxy', { target_connection_proxy: { connection_proxy_id: p.id, enabled: false } }, me)).status,
    ).toBe(403)
    expect((await t.api('delete_connection_proxy', target, me)).status).toBe(403)
    const viewer = await t.seed.apiKey({ permissions: ['connection_proxies_view'] })
    expect((await t.api('get_connection_proxies', {}, { key: viewer })).status).toBe(200)
    expect(
      (await t.api('update_connection_proxy', { target_connection_proxy: { connection_proxy_id: p.id, enabled: false } }, { key: viewer }))
        .status,
    ).toBe(403)
    expect((await t.api('delete_connection_proxy', target, { key: viewer })).status).toBe(403)
    expect(await listed(p.id)).toMatchObject({ enabled: true })
  })
})
