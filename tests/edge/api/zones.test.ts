import { describe, expect, it } from 'vitest'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, registrationToken } from '../../support/test-agent'

const { t, admin } = useTestContext()

describe('zones', () => {
  it('has a default zone that cannot be deleted or renamed', async () => {
    const list = await t.api('get_zones', {}, admin)
    const def = list.body.zones.find((z: { zone_name: string }) => z.zone_name === 'default')
    expect(def).toBeTruthy()
    expect((await t.api('delete_zone', { target_zone: { zone_id: def.zone_id } }, admin)).status).toBe(409)
    expect((await t.api('update_zone', { target_zone: { zone_id: def.zone_id, zone_name: 'main' } }, admin)).status).toBe(409)
  })

  it('creates, updates and deletes a zone; duplicate names are 409', async () => {
    const made = await t.api('create_zone', { target_zone: { zone_name: 'eu-west', proxy_port: 443 } }, admin)
    expect(made.status).toBe(200)
    const id = made.body.zone.zone_id
    expect(made.body.zone).toMatchObject({ zone_name: 'eu-west', proxy_port: 443, load_balancing_strategy: 'least_load' })
    const before = await t.counts()
    expect((await t.api('create_zone', { target_zone: { zone_name: 'eu-west' } }, admin)).status).toBe(409)
    const bad = await t.api('create_zone', { target_zone: { zone_name: 'x', proxy_port: 70000 } }, admin)
    expect([bad.status, bad.body.field]).toEqual([400, 'target_zone.proxy_port'])
    // A missing field is required, not unknown; an unknown one is ignored, as Kasm ignores it.
    for (const [body, field] of [
      [{}, 'target_zone'],
      [{ target_zone: {} }, 'target_zone.zone_name'],
    ] as const) {
      const missing = await t.api('create_zone', body, admin)
      expect([missing.status, missing.body.field, missing.body.error_message]).toEqual([400, field, `Invalid ${field}: is required`])
    }
    expect(await t.counts()).toEqual(before)
    const upd = await t.api('update_zone', { target_zone: { zone_id: id, search_alternate_zones: true } }, admin)
    expect(upd.body.zone.search_alternate_zones).toBe(true)
    expect((await t.api('delete_zone', { target_zone: { zone_id: id } }, admin)).status).toBe(200)
    expect((await t.api('delete_zone', { target_zone: { zone_id: id } }, admin)).status).toBe(404)
  })

  it('keeps a zone that agents are in', async () => {
    const zone = (await t.api('create_zone', { target_zone: { zone_name: 'edge-lab' } }, admin)).body.zone
    await enrolTestAgent(t, await registrationToken(t, admin, 'edge-lab'))
    const res = await t.api('delete_zone', { target_zone: { zone_id: zone.zone_id } }, admin)
    expect([res.status, res.body.error_message, res.body.field]).toEqual([
      409,
      'Zone edge-lab still has agents; move or delete them first',
      'target_zone.zone_id',
    ])
    expect((await t.api('get_zones', {}, admin)).body.zones.map((z: { zone_name: string }) => z.zone_name)).toContain('edge-lab')
  })

  it('needs the zones_* permissions', async () => {
    const me = await t.seed.plainUser()
    const before = await t.counts()
    expect((await t.api('get_zones', {}, me)).status).toBe(403)
    expect((await t.api('create_zone', { target_zone: { zone_name: 'mine' } }, me)).status).toBe(403)
    const key = await t.seed.apiKey({ permissions: ['zones_view'] })
    expect((await t.api('get_zones', {}, { key })).status).toBe(200)
    expect((await t.api('create_zone', { target_zone: { zone_name: 'by-key' } }, { key })).status).toBe(403)
    expect((await t.counts()).zones).toBe(before.zones)
  })
})
