// The fleet layer (edge/src/services/fleet) for its second kind, the connection proxy: the same
// enrolment, signed requests and replay rules as agents (agent-protocol.test.ts), each kind keyed in
// its own table so one kind's key never signs for the other.
import { eq } from 'drizzle-orm'
import { exportJWK, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { agents, connectionProxies } from '#schema'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, enrolTestProxy, registrationToken } from '../../support/test-agent'

const { t, admin } = useTestContext()
const proxyRow = async (id: string) => (await t.db.select().from(connectionProxies).where(eq(connectionProxies.id, id)))[0]!
const LOAD = { connections: 3, cpu_percent: 12.5, cluster_size: 2 }

describe('proxy enrolment', () => {
  it('enrols with a zone token into its zone, answering with its id and the edge keys; no agent is made', async () => {
    await t.api('create_zone', { target_zone: { zone_name: 'proxy-lab' } }, admin)
    const agentsBefore = await t.db.$count(agents)
    const p = await enrolTestProxy(t, await registrationToken(t, admin, 'proxy-lab'), { name: 'guac-1', clusterSize: 4 })
    const row = await proxyRow(p.id)
    const zones = (await t.api('get_zones', {}, admin)).body.zones as { zone_id: string; zone_name: string }[]
    expect(row).toMatchObject({ name: 'guac-1', clusterSize: 4, status: 'online', enabled: true, connectionProxyType: 'GUAC' })
    expect(row.zoneId.replaceAll('-', '')).toBe(zones.find((z) => z.zone_name === 'proxy-lab')!.zone_id)
    expect(row.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String) })
    expect(await t.db.$count(agents)).toBe(agentsBefore)
    const jwks = (await (await t.app.request('/api/proxy/jwks')).json()) as { keys: { kty: string; d?: string }[] }
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    expect(jwks.keys[0]!.d).toBeUndefined()
  })

  it('refuses a bad token or a private key, and enrols nothing', async () => {
    const before = await t.db.$count(connectionProxies)
    await expect(enrolTestProxy(t, 'x'.repeat(40))).rejects.toThrow(/401/)
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
    const res = await t.app.request('/api/proxy/enroll', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        token: await registrationToken(t, admin),
        public_jwk: await exportJWK(privateKey),
        public_url: 'http://127.0.0.1:9',
        name: 'leaky',
        cluster_size: 1,
      }),
    })
    const body = (await res.json()) as { error_message: string; field: string }
    expect([res.status, body.error_message, body.field]).toEqual([400, 'Invalid public_jwk: must be an Ed25519 public key', 'public_jwk'])
    const noSize = await t.app.request('/api/proxy/enroll', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: 'x', public_jwk: {}, public_url: 'http://127.0.0.1:9', name: 'n', cluster_size: 0 }),
    })
    expect(noSize.status).toBe(400)
    expect(await t.db.$count(connectionProxies)).toBe(before)
  })
})

describe('proxy heartbeats', () => {
  it('a signed heartbeat records the load and answers when to beat again', async () => {
    const p = await enrolTestProxy(t, await registrationToken(t, admin))
    t.clock.advance(10_000)
    const res = await p.heartbeat(LOAD)
    expect([res.status, res.body]).toEqual([200, { heartbeat_after_ms: 5_000, close_kasms: [] }])
    expect(await proxyRow(p.id)).toMatchObject({ connections: 3, cpuPercent: 12.5, clusterSize: 2, lastSeenAt: t.clock.now() })
  })

  it('refuses replayed, tampered, expired, foreign-key and malformed heartbeats without a change', async () => {
    const p = await enrolTestProxy(t, await registrationToken(t, admin))
    expect((await p.heartbeat(LOAD)).status).toBe(200)
    const accepted = await proxyRow(p.id)
    const { privateKey: stranger } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const path = '/api/proxy/heartbeat'
    const busy = { ...LOAD, connections: 99 }
    const attempts = {
      replayed: await p.signed(path, busy, { seq: accepted.lastSeq }),
      tampered: await p.signed(path, LOAD, { body: JSON.stringify(busy) }),
      expired: await p.signed(path, busy, { at: new Date(t.clock.now().getTime() - 120_000) }),
      wrong_key: await p.signed(path, busy, { key: stranger }),
      unknown_kid: await p.signed(path, busy, { kid: crypto.randomUUID() }),
    }
    for (const [name, r] of Object.entries(attempts)) expect([name, r.status]).toEqual([name, 401])
    const unsigned = await t.app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(busy),
    })
    expect(unsigned.status).toBe(401)
    const negative = await p.signed(path, { ...LOAD, connections: -1 })
    expect([negative.status, negative.body.field]).toEqual([400, 'connections'])
    expect(await proxyRow(p.id)).toMatchObject({ connections: 3, cpuPercent: 12.5 })
  })

  it('one kind’s key never signs for the other: an agent cannot beat as a proxy, nor a proxy poll as an agent', async () => {
    const token = await registrationToken(t, admin)
    const a = await enrolTestAgent(t, token)
    const p = await enrolTestProxy(t, token)
    const asProxy = await a.signed('/api/proxy/heartbeat', LOAD)
    expect([asProxy.status, asProxy.body.error_message]).toEqual([401, 'Invalid request signature: unknown key'])
    const asAgent = await p.signed('/api/agent/poll', { resources: { cores: 1, memory_bytes: 1, gpus: 0 }, images: [], sessions: [] })
    expect([asAgent.status, asAgent.body.error_message]).toEqual([401, 'Invalid request signature: unknown key'])
    expect((await proxyRow(p.id)).connections).toBe(0)
  })
})

it('a zone that holds a connection proxy is kept', async () => {
  const zone = (await t.api('create_zone', { target_zone: { zone_name: 'proxy-only' } }, admin)).body.zone
  await enrolTestProxy(t, await registrationToken(t, admin, 'proxy-only'))
  const res = await t.api('delete_zone', { target_zone: { zone_id: zone.zone_id } }, admin)
  expect([res.status, res.body.error_message]).toEqual([409, 'Zone proxy-only still has connection proxies; move or delete them first'])
})
