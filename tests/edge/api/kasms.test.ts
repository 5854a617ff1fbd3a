// request_kasm and the session verbs through the API, with a test agent: placement and its refusals, the work
// the agent is handed, registry credentials, the session link, get_kasms. Expiry and the manager tick are in
// kasm-expiry.test.ts.
import { jwtVerify, createLocalJWKSet, type JWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, registrationToken } from '../../support/test-agent'
import { GiB, kasmFixtures } from './kasm-fixtures'

const { t, admin } = useTestContext()
const { launcher, onlyAgent } = kasmFixtures(t, admin)

describe('request_kasm', () => {
  it('places a session, hands the agent its work, and streams once the agent reports it running', async () => {
    const agent = await onlyAgent()
    const { user, image, auth } = await launcher({ allow_kasm_clipboard_down: false })
    const res = await t.api('request_kasm', { image_id: kid(image.id) }, auth)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'starting', user_id: kid(user.id), username: user.username })
    expect(res.body.kasm_url).toBe(`/#/connect/kasm/${res.body.kasm_id}/${kid(user.id)}/${res.body.session_token}`)
    const kasmId = res.body.kasm_id
    const poll = await agent.poll()
    const work = poll.body.work.create[0]
    expect(work).toMatchObject({ image: 'oriel/desktop:1.0', cores: 2, memory_bytes: 2 * GiB, username: user.username })
    expect(work.dlp).toMatchObject({ clipboard_down: false, clipboard_up: true })
    const starting = await t.api('get_kasm_status', { kasm_id: kasmId }, auth)
    expect(starting.body.operational_status).toBe('requested')
    expect(starting.body.kasm.stream).toBeUndefined()
    await agent.report([{ kasm_id: work.kasm_id, state: 'starting', progress: 60, message: 'Starting the desktop' }])
    expect((await t.api('get_kasm_status', { kasm_id: kasmId }, auth)).body).toMatchObject({
      operational_status: 'starting',
      operational_progress: 60,
    })
    await agent.report([{ kasm_id: work.kasm_id, state: 'running', container_id: 'c1' }])
    const running = await t.api('get_kasm_status', { kasm_id: kasmId }, auth)
    expect(running.body.operational_status).toBe('running')
    const stream = running.body.kasm.stream
    expect(stream.url).toBe(`ws://127.0.0.1:9/kasm/${work.kasm_id}/vnc`)
    const jwks = (await (await t.app.request('/api/agent/jwks')).json()) as { keys: JWK[] }
    const { payload } = await jwtVerify(stream.token, createLocalJWKSet(jwks), { audience: agent.id, issuer: 'oriel-edge' })
    expect(payload).toMatchObject({ typ: 'stream', kasm_id: work.kasm_id, sub: user.id, dlp: { clipboard_down: false } })
    // A running session is not handed out again; destroy asks the agent to remove it.
    expect((await agent.poll([{ kasm_id: work.kasm_id, state: 'running' }])).body.work).toMatchObject({
      create: [],
      destroy: [],
      exec: [],
      pause: [],
      stop: [],
      resume: [],
    })
    expect((await t.api('destroy_kasm', { kasm_id: kasmId }, auth)).status).toBe(200)
    expect((await agent.poll([{ kasm_id: work.kasm_id, state: 'running' }])).body.work.destroy).toEqual([work.kasm_id])
    await agent.report([{ kasm_id: work.kasm_id, state: 'deleted' }])
    expect((await t.api('get_kasm_status', { kasm_id: kasmId }, auth)).status).toBe(404)
  })

  it('refuses a workspace the user’s groups do not permit, and a disabled one', async () => {
    await onlyAgent()
    const { auth } = await launcher()
    const other = await t.seed.image()
    const denied = await t.api('request_kasm', { image_id: other.id }, auth)
    expect(denied.status).toBe(403)
    expect(denied.body.error_message).toMatch(/none of your groups/)
    const off = await launcher({}, { enabled: false })
    expect((await t.api('request_kasm', { image_id: off.image.id }, off.auth)).status).toBe(409)
    expect((await t.api('request_kasm', { image_id: crypto.randomUUID() }, auth)).status).toBe(404)
  })

  it('enforces max_kasms_per_user from the user’s groups', async () => {
    await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const { image, auth } = await launcher({ max_kasms_per_user: 1 })
    expect((await t.api('request_kasm', { image_id: image.id }, auth)).status).toBe(200)
    const second = await t.api('request_kasm', { image_id: image.id }, auth)
    expect(second.status).toBe(409)
    expect(second.body.error_message).toMatch(/your groups allow 1/)
  })

  it('says which constraint failed when nothing fits', async () => {
    await onlyAgent({ resources: { cores: 1, memory_bytes: 8 * GiB, gpus: 0 }, labels: ['ssd'] })
    const cpu = await launcher()
    const r1 = await t.api('request_kasm', { image_id: cpu.image.id }, cpu.auth)
    expect(r1.status).toBe(503)
    expect(r1.body.error_message).toBe('Not enough free CPU: the workspace needs 2 cores, the most any agent has free is 1')
    const gpu = await launcher({}, { cores: 1, gpuCount: 1 })
    expect((await t.api('request_kasm', { image_id: gpu.image.id }, gpu.auth)).body.error_message).toMatch(/Not enough free GPUs/)
    const label = await launcher({}, { cores: 1, includeLabels: ['nvme'] })
    expect((await t.api('request_kasm', { image_id: label.image.id }, label.auth)).body.error_message).toMatch(/with label "nvme"/)
    const excluded = await launcher({}, { cores: 1, excludeLabels: ['ssd'] })
    expect((await t.api('request_kasm', { image_id: excluded.image.id }, excluded.auth)).body.error_message).toMatch(/without label "ssd"/)
  })

  it('never oversubscribes an agent under concurrent launches', async () => {
    await onlyAgent({ resources: { cores: 4, memory_bytes: 64 * GiB, gpus: 0 } })
    const users = await Promise.all(Array.from({ length: 6 }, () => launcher({ max_kasms_per_user: 0 })))
    const results = await Promise.all(users.map((u) => t.api('request_kasm', { image_id: u.image.id }, u.auth)))
    expect(results.filter((r) => r.status === 200)).toHaveLength(2)
    expect(results.filter((r) => r.status === 503)).toHaveLength(4)
  })

  it('spreads sessions by load and honours the workspace’s zone', async () => {
    await t.db.execute('update agents set enabled = false')
    const token = await registrationToken(t, admin)
    const a = await enrolTestAgent(t, token, { name: 'a' })
    const b = await enrolTestAgent(t, token, { name: 'b' })
    const placed: string[] = []
    for (let i = 0; i < 4; i++) {
      const l = await launcher({}, { cores: 1 })
      const r = await t.api('request_kasm', { image_id: l.image.id }, l.auth)
      placed.push((await t.api('get_kasm_status', { kasm_id: r.body.kasm_id }, l.auth)).body.kasm.agent_id)
    }
    expect(placed.filter((p) => p === kid(a.id))).toHaveLength(2)
    expect(placed.filter((p) => p === kid(b.id))).toHaveLength(2)
    const zone = await t.api('create_zone', { target_zone: { zone_name: `z-${crypto.randomUUID().slice(0, 6)}` } }, admin)
    const zoned = await launcher(
      {},
      { cores: 1, restrictToZone: true, zoneId: zone.body.zone.zone_id.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5') },
    )
    const r = await t.api('request_kasm', { image_id: zoned.image.id }, zoned.auth)
    expect(r.status).toBe(503)
    expect(r.body.error_message).toMatch(/zone this workspace is restricted to/)
  })

  it('API keys act for a user only with users_auth_session and user', async () => {
    await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const { user, image } = await launcher()
    const weak = await t.seed.apiKey({ permissions: ['user'] })
    expect((await t.api('request_kasm', { image_id: image.id, user_id: user.id }, { key: weak })).status).toBe(403)
    const strong = await t.seed.apiKey({ permissions: ['user', 'users_auth_session'] })
    // Without user_id the key launches for a new anonymous user, who is only in All Users: refused, and none is left behind.
    const users = (await t.counts()).users
    expect((await t.api('request_kasm', { image_id: image.id }, { key: strong })).status).toBe(403)
    expect((await t.counts()).users).toBe(users)
    const ok = await t.api('request_kasm', { image_id: image.id, user_id: kid(user.id) }, { key: strong })
    expect(ok.status).toBe(200)
    const other = await t.seed.plainUser()
    expect((await t.api('get_kasm_status', { kasm_id: ok.body.kasm_id }, other)).status).toBe(404)
    expect((await t.api('destroy_kasm', { kasm_id: ok.body.kasm_id }, other)).status).toBe(404)
  })
})

describe('registry credentials at launch', () => {
  it('reach the session’s agent decrypted in its create work, and nobody else', async () => {
    const agent = await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const { image, auth } = await launcher()
    await t.api(
      'update_image',
      { target_image: { image_id: image.id, docker_registry: '127.0.0.1:5000', docker_user: 'puller', docker_password: 'pull-secret' } },
      admin,
    )
    const req = await t.api('request_kasm', { image_id: image.id }, auth)
    expect(JSON.stringify(req.body)).not.toContain('pull-secret')
    const work = (await agent.poll()).body.work.create[0]
    expect(work.registry_auth).toEqual({ serveraddress: '127.0.0.1:5000', username: 'puller', password: 'pull-secret' })
    expect(JSON.stringify((await t.api('get_kasm_status', { kasm_id: req.body.kasm_id }, auth)).body)).not.toContain('pull-secret')
  })
})

describe('the session link (kasm_url)', () => {
  it('signs in as the session’s user while the session lives, and never otherwise', async () => {
    await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const { user, image, auth } = await launcher()
    const req = await t.api('request_kasm', { image_id: image.id }, auth)
    const [kasmId, userId, token] = req.body.kasm_url.split('/').slice(-3)
    t.setClientAddress('198.51.100.20')
    const ok = await t.api('login', { kasm_id: kasmId, user_id: userId, session_token: token })
    expect(ok.status).toBe(200)
    expect(ok.body.username).toBe(user.username)
    expect((await t.api('get_kasm_status', { kasm_id: kasmId }, { token: ok.body.token })).status).toBe(200)
    const other = await t.seed.user()
    expect((await t.api('login', { kasm_id: kasmId, user_id: other.id, session_token: token })).status).toBe(401)
    expect((await t.api('login', { kasm_id: kasmId, user_id: userId, session_token: 'x'.repeat(32) })).status).toBe(401)
    expect((await t.api('login', { kasm_id: kasmId, user_id: userId })).status).toBe(400)
    await t.api('destroy_kasm', { kasm_id: kasmId }, auth)
    const ended = await t.api('login', { kasm_id: kasmId, user_id: userId, session_token: token })
    expect(ended.status).toBe(401)
    expect(ended.body.error_message).toMatch(/session may have ended/)
  })
})

describe('get_kasms', () => {
  it('lists the caller’s own live sessions; sessions_view lists everyone’s', async () => {
    await onlyAgent({ resources: { cores: 64, memory_bytes: 64 * GiB, gpus: 0 } })
    const mine = await launcher()
    const theirs = await launcher()
    const m = await t.api('request_kasm', { image_id: mine.image.id }, mine.auth)
    const o = await t.api('request_kasm', { image_id: theirs.image.id }, theirs.auth)
    const own = await t.api('get_kasms', {}, mine.auth)
    expect(own.body.kasms.map((k: { kasm_id: string }) => k.kasm_id)).toEqual([m.body.kasm_id])
    expect(own.body.kasms[0]).toMatchObject({ username: mine.user.username, operational_status: 'requested' })
    const all = await t.api('get_kasms', {}, admin)
    const ids = all.body.kasms.map((k: { kasm_id: string }) => k.kasm_id)
    expect(ids).toContain(m.body.kasm_id)
    expect(ids).toContain(o.body.kasm_id)
    expect((await t.api('get_kasms', { user_id: theirs.user.id }, mine.auth)).status).toBe(403)
    expect((await t.api('get_kasms', {})).status).toBe(401)
  })
})
