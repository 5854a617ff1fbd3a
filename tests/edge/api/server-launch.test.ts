// request_kasm for Server and Server Pool workspaces (seed 004): the server's two limits held under
// concurrent launches, the pool's choice, assigned users, the credential types that cannot work, and
// the session verbs on a session that has no agent.
import { describe, expect, it } from 'vitest'
import { runManagerTick } from '../../../edge/src/services/manager'
import { useTestContext } from '../../support/context'
import { serverFixtures } from './server-fixtures'

const { t, admin } = useTestContext()
const NO_CREDENTIALS = { connection_username: null, connection_password: null }
const { server, pool, workspace, proxy, launch } = serverFixtures(t, admin)

const sessionsOn = async (serverId: string) =>
  Number(
    (
      (await t.db.execute(`select count(*)::int as n from kasms where server_id = '${serverId}' and status <> 'deleted'`)) as unknown as {
        rows: { n: number }[]
      }
    ).rows[0]!.n,
  )

describe('request_kasm on a fixed server', () => {
  it('starts a running session on the server, listed by get_kasms, without any agent', async () => {
    await proxy()
    const s = await server()
    const ws = await workspace({ server_id: s.server_id })
    const { user, auth } = await ws.user()
    const res = await launch(ws.imageId, auth)
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ user_id: user.id.replaceAll('-', ''), username: user.username, share_id: null })
    const status = await t.api('get_kasm_status', { kasm_id: res.body.kasm_id }, auth)
    expect(status.body).toMatchObject({ operational_status: 'running', operational_progress: 100 })
    // The only proxy's address (127.0.0.1:9) answers nothing: no stream, and the message says why.
    expect(status.body.kasm.stream).toBeUndefined()
    expect(status.body.operational_message).toMatch(/No connection proxy .* answered its health check/)
    const listed = (await t.api('get_kasms', {}, auth)).body.kasms
    expect(listed.map((k: { kasm_id: string }) => k.kasm_id)).toEqual([res.body.kasm_id])
  })

  it('refuses when no proxy is online in the server’s zone, and records nothing', async () => {
    await t.db.execute('update connection_proxies set enabled = false')
    const s = await server()
    const ws = await workspace({ server_id: s.server_id })
    const { auth } = await ws.user()
    const res = await launch(ws.imageId, auth)
    expect([res.status, res.body.error_message]).toEqual([503, 'No connection proxy is online in the zone "default" of this server'])
    expect(await sessionsOn(s.server_id)).toBe(0)
  })

  it('holds max_simultaneous_sessions under concurrent launches: exactly 2 of 6 succeed', async () => {
    await proxy()
    const s = await server({ max_simultaneous_sessions: 2, max_simultaneous_users: 6 })
    const ws = await workspace({ server_id: s.server_id })
    const users = await Promise.all(Array.from({ length: 6 }, () => ws.user()))
    const results = await Promise.all(users.map((u) => launch(ws.imageId, u.auth)))
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 409, 409, 409, 409])
    for (const r of results.filter((r) => r.status === 409))
      expect(r.body.error_message).toBe(`The server "${s.name}" is full: it allows 2 simultaneous sessions (max_simultaneous_sessions)`)
    expect(await sessionsOn(s.server_id)).toBe(2)
  })

  it('counts users for max_simultaneous_users: one user may hold more sessions, a second user may not', async () => {
    await proxy()
    const s = await server({ max_simultaneous_sessions: 3, max_simultaneous_users: 1 })
    const ws = await workspace({ server_id: s.server_id }, { max_kasms_per_user: 0 })
    const first = await ws.user()
    expect((await launch(ws.imageId, first.auth)).status).toBe(200)
    expect((await launch(ws.imageId, first.auth)).status).toBe(200)
    const second = await ws.user()
    const refused = await launch(ws.imageId, second.auth)
    expect([refused.status, refused.body.error_message]).toEqual([
      409,
      `The server "${s.name}" is full: it allows 1 simultaneous user (max_simultaneous_users)`,
    ])
  })

  it('spreads a pool’s sessions to the least loaded server, and keeps assigned servers to their user', async () => {
    await proxy()
    const p = await pool()
    const a = await server({ pool_id: p.server_pool_id, max_simultaneous_sessions: 5, max_simultaneous_users: 5 })
    const b = await server({ pool_id: p.server_pool_id, max_simultaneous_sessions: 5, max_simultaneous_users: 5 })
    const ws = await workspace({ server_pool_id: p.server_pool_id })
    for (let i = 0; i < 4; i++) expect((await launch(ws.imageId, (await ws.user()).auth)).status).toBe(200)
    expect([await sessionsOn(a.server_id), await sessionsOn(b.server_id)]).toEqual([2, 2])
    // Assign a third server to one user: only they land there, and they land nowhere else.
    const owner = await ws.user()
    const c = await server({ pool_id: p.server_pool_id, assigned_username: owner.user.username, max_simultaneous_sessions: 5 })
    expect((await launch(ws.imageId, owner.auth)).status).toBe(200)
    expect((await launch(ws.imageId, (await ws.user()).auth)).status).toBe(200)
    expect([(await sessionsOn(a.server_id)) + (await sessionsOn(b.server_id)), await sessionsOn(c.server_id)]).toEqual([5, 1])
  })

  it('refuses a server assigned to someone else, a disabled server, SSO_CREATE_USER and SMARTCARD, saying what they need', async () => {
    await proxy()
    const p = await pool()
    const someone = await t.seed.user()
    const assigned = await server({ pool_id: p.server_pool_id, assigned_username: someone.username })
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ server_id: assigned.server_id }, 403, /is assigned to another user/],
      [{ server_id: (await server({ enabled: false })).server_id }, 409, /is disabled/],
      [
        {
          server_id: (
            await server({
              connection_type: 'RDP',
              connection_credential_type: 'SSO_CREATE_USER',
              windows_service_installed: true,
              port: 3389,
              ...NO_CREDENTIALS,
            })
          ).server_id,
        },
        409,
        /needs the Kasm Desktop Service/,
      ],
      [
        {
          server_id: (await server({ connection_type: 'RDP', connection_credential_type: 'SMARTCARD', port: 3389, ...NO_CREDENTIALS }))
            .server_id,
        },
        409,
        /needs a smartcard reader/,
      ],
    ]
    for (const [target, status, message] of cases) {
      const ws = await workspace(target as { server_id: string })
      const res = await launch(ws.imageId, (await ws.user()).auth)
      expect([res.status, res.body.error_message]).toEqual([status, expect.stringMatching(message)])
      expect(await sessionsOn(target.server_id as string)).toBe(0)
    }
  })

  it('pauses, resumes and destroys a server session at once; keepalive expiry with delete ends it', async () => {
    await proxy()
    const s = await server()
    const ws = await workspace({ server_id: s.server_id }, { allow_kasm_pause: true, keepalive_expiration: 60 })
    const { auth } = await ws.user()
    const kasmId = (await launch(ws.imageId, auth)).body.kasm_id
    const state = async () => (await t.api('get_kasm_status', { kasm_id: kasmId }, auth)).body
    expect((await t.api('pause_kasm', { kasm_id: kasmId }, auth)).status).toBe(200)
    expect(await state()).toMatchObject({ operational_status: 'paused', operational_message: null })
    expect((await t.api('resume_kasm', { kasm_id: kasmId }, auth)).status).toBe(200)
    expect((await state()).operational_status).toBe('running')
    t.clock.advance(61_000)
    await runManagerTick(t.db, t.clock)
    expect((await t.api('get_kasm_status', { kasm_id: kasmId }, auth)).status).toBe(404)
    await proxy() // the tick found the earlier proxy silent for 61 s: offline
    const again = (await launch(ws.imageId, auth)).body.kasm_id
    expect((await t.api('destroy_kasm', { kasm_id: again }, auth)).status).toBe(200)
    expect((await t.api('get_kasm_status', { kasm_id: again }, auth)).status).toBe(404)
  })

  it('server_id picks a server of the pool; one outside it, server options on a container, and RDP_CLIENT are refused', async () => {
    await proxy()
    const p = await pool()
    const a = await server({ pool_id: p.server_pool_id, max_simultaneous_sessions: 5, max_simultaneous_users: 5 })
    await server({ pool_id: p.server_pool_id, max_simultaneous_sessions: 5, max_simultaneous_users: 5 })
    const ws = await workspace({ server_pool_id: p.server_pool_id })
    for (let i = 0; i < 3; i++) {
      const res = await t.api('request_kasm', { image_id: ws.imageId, server_id: a.server_id }, (await ws.user()).auth)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
    }
    expect(await sessionsOn(a.server_id)).toBe(3)
    const { auth } = await ws.user()
    const outside = await t.api('request_kasm', { image_id: ws.imageId, server_id: (await server()).server_id }, auth)
    expect([outside.status, outside.body.field, outside.body.error_message]).toEqual([
      400,
      'server_id',
      'Invalid server_id: the server is not in this workspace’s pool',
    ])
    const rdpClient = await t.api('request_kasm', { image_id: ws.imageId, rdp_client_type: 'RDP_CLIENT' }, auth)
    expect([rdpClient.status, rdpClient.body.field]).toEqual([400, 'rdp_client_type'])
    const container = await t.seed.image()
    const g = await t.seed.group()
    await t.seed.permitImage(g.id, container.id)
    const u = await t.seed.user({ groups: [g.name] })
    const cauth = { token: await t.seed.tokenFor(u.id) }
    const onContainer = await t.api('request_kasm', { image_id: container.id, server_id: a.server_id }, cauth)
    expect([onContainer.status, onContainer.body.field]).toEqual([400, 'server_id'])
    const info = await t.api('request_kasm', { image_id: container.id, connection_info: { guac: { settings: {} } } }, cauth)
    expect([info.status, info.body.field]).toEqual([400, 'connection_info'])
    expect(await sessionsOn(a.server_id)).toBe(3)
  })
})
