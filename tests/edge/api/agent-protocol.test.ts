import { eq } from 'drizzle-orm'
import { generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { agents } from '#schema'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, registrationToken } from '../../support/test-agent'

const { t, admin } = useTestContext()
const agentRow = async (id: string) => (await t.db.select().from(agents).where(eq(agents.id, id)))[0]!

describe('enrolment', () => {
  it('enrols with a zone token and answers with the edge keys', async () => {
    const token = await registrationToken(t, admin)
    const a = await enrolTestAgent(t, token, { labels: ['gpu-none'] })
    const listed = await t.api('get_agents', {}, admin)
    const row = listed.body.agents.find((x: { agent_id: string }) => x.agent_id === a.id.replaceAll('-', ''))
    expect(row).toMatchObject({ status: 'online', enabled: true, cores: 4, labels: ['gpu-none'] })
    const jwks = await (await t.app.request('/api/agent/jwks')).json()
    expect((jwks as { keys: { kty: string; d?: string }[] }).keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    expect((jwks as { keys: { d?: string }[] }).keys[0]!.d).toBeUndefined()
  })

  it('refuses an unknown, revoked or expired token, and enrols nothing', async () => {
    const token = await registrationToken(t, admin)
    const before = (await t.db.select().from(agents)).length
    await expect(enrolTestAgent(t, 'x'.repeat(40))).rejects.toThrow(/401/)
    const list = await t.api('get_registration_tokens', {}, admin)
    const id = list.body.registration_tokens.at(-1).registration_token_id
    expect((await t.api('revoke_registration_token', { target_registration_token: { registration_token_id: id } }, admin)).status).toBe(200)
    await expect(enrolTestAgent(t, token)).rejects.toThrow(/401/)
    const fresh = await registrationToken(t, admin, 'default', 60)
    t.clock.advance(61_000)
    await expect(enrolTestAgent(t, fresh)).rejects.toThrow(/401/)
    expect((await t.db.select().from(agents)).length).toBe(before)
  })

  it('token and agent verbs need the agents_* permissions', async () => {
    const me = await t.seed.plainUser()
    expect((await t.api('get_agents', {}, me)).status).toBe(403)
    expect((await t.api('get_registration_tokens', {}, me)).status).toBe(403)
    const zones = await t.api('get_zones', {}, admin)
    expect(
      (await t.api('create_registration_token', { target_registration_token: { zone_id: zones.body.zones[0].zone_id } }, me)).status,
    ).toBe(403)
  })
})

describe('signed requests', () => {
  it('accepts a signed poll and rejects replayed, tampered, expired, unsigned and unknown-key requests without a change', async () => {
    const a = await enrolTestAgent(t, await registrationToken(t, admin))
    const ok = await a.poll()
    expect(ok.status).toBe(200)
    expect(ok.body.work).toEqual({ create: [], destroy: [], exec: [], pause: [], stop: [], resume: [], screenshot: [] })
    const accepted = await agentRow(a.id)
    const payload = { resources: a.resources, images: [], sessions: [] }
    const { privateKey: stranger } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const attempts = {
      replayed: await a.signed('/api/agent/poll', payload, { seq: accepted.lastSeq }),
      tampered: await a.signed('/api/agent/poll', payload, { body: JSON.stringify({ ...payload, images: ['evil:1'] }) }),
      expired: await a.signed('/api/agent/poll', payload, { at: new Date(t.clock.now().getTime() - 120_000) }),
      too_long: await a.signed('/api/agent/poll', payload, { lifetimeS: 3600 }),
      other_path: await a.signed('/api/agent/poll', payload, { signedPath: '/api/agent/report' }),
      wrong_key: await a.signed('/api/agent/poll', payload, { key: stranger }),
      unknown_kid: await a.signed('/api/agent/poll', payload, { kid: crypto.randomUUID() }),
    }
    for (const [name, r] of Object.entries(attempts)) expect([name, r.status]).toEqual([name, 401])
    const unsigned = await t.app.request('/api/agent/poll', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
    })
    expect(unsigned.status).toBe(401)
    const after = await agentRow(a.id)
    expect(after.lastSeq).toBe(accepted.lastSeq)
    expect(after.images).toEqual(accepted.images)
  })

  it('the exact same signed request twice: the second is refused', async () => {
    const a = await enrolTestAgent(t, await registrationToken(t, admin))
    const first = await a.poll()
    const again = await t.app.request('/api/agent/poll', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: first.auth },
      body: first.text,
    })
    expect(first.status).toBe(200)
    expect(again.status).toBe(401)
  })
})

describe('agent administration', () => {
  it('update_agent sets overrides, draining and labels; placement follows them', async () => {
    await t.db.execute('update agents set enabled = false')
    const a = await enrolTestAgent(t, await registrationToken(t, admin), { resources: { cores: 1, memory_bytes: 1024 ** 3, gpus: 0 } })
    const res = await t.api(
      'update_agent',
      { target_agent: { agent_id: a.id, cores_override: 8, memory_override: 16 * 1024 ** 3, labels: ['big'] } },
      admin,
    )
    expect(res.body.agent).toMatchObject({ cores_override: 8, memory_override: 16 * 1024 ** 3, labels: ['big'], cores: 1 })
    const g = await t.seed.group()
    const img = await t.seed.image({ cores: 4, memory: 4 * 1024 ** 3, includeLabels: ['big'] })
    await t.seed.permitImage(g.id, img.id)
    const u = await t.seed.user({ groups: [g.name] })
    const token = await t.seed.tokenFor(u.id)
    expect((await t.api('request_kasm', { image_id: img.id }, { token })).status).toBe(200)
    await t.api('update_agent', { target_agent: { agent_id: a.id, draining: true } }, admin)
    const drained = await t.api(
      'request_kasm',
      { image_id: img.id },
      { token: await t.seed.tokenFor((await t.seed.user({ groups: [g.name] })).id) },
    )
    expect(drained.status).toBe(503)
    expect((await t.api('update_agent', { target_agent: { agent_id: crypto.randomUUID(), enabled: false } }, admin)).status).toBe(404)
    const me = await t.seed.plainUser()
    expect((await t.api('update_agent', { target_agent: { agent_id: a.id, enabled: false } }, me)).status).toBe(403)
  })

  it('delete_agent refuses while sessions live unless forced; the deleted agent’s key stops working', async () => {
    await t.db.execute('update agents set enabled = false')
    const a = await enrolTestAgent(t, await registrationToken(t, admin))
    const g = await t.seed.group()
    const img = await t.seed.image({ cores: 1, memory: 1024 ** 3 })
    await t.seed.permitImage(g.id, img.id)
    const u = await t.seed.user({ groups: [g.name] })
    const token = await t.seed.tokenFor(u.id)
    const kasm = await t.api('request_kasm', { image_id: img.id }, { token })
    const refused = await t.api('delete_agent', { target_agent: { agent_id: a.id } }, admin)
    expect(refused.status).toBe(409)
    expect((await t.api('delete_agent', { target_agent: { agent_id: a.id }, force: true }, admin)).status).toBe(200)
    expect((await t.api('get_kasm_status', { kasm_id: kasm.body.kasm_id }, { token })).status).toBe(404)
    expect((await a.poll()).status).toBe(401)
  })
})
