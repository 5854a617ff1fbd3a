// Kasm's own clients, replayed: the request bodies they send for each session verb of Kasm's
// developer API, byte for byte as Python's json.dumps writes them (only ids and secrets
// filled in), and the answer shapes the reference gives: field names, nesting, id formats.
import { beforeAll, describe, expect, it } from 'vitest'
import { kid } from '../../support/builders'
import { useTestContext } from '../../support/context'
import { enrolTestAgent, registrationToken, type TestAgent } from '../../support/test-agent'

const { t, admin } = useTestContext()
const HEX32 = /^[0-9a-f]{32}$/
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/

/** POSTs the exact text a client sends. */
async function replay(verb: string, text: string) {
  const res = await t.app.request(`/api/public/${verb}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: text })
  const body = await res.text()
  return { status: res.status, body: JSON.parse(body) as any }
}

let key: { api_key: string; api_key_secret: string }
let agent: TestAgent
let owner: { id: string; username: string }
let viewer: { id: string }
let image: { id: string }
const creds = () => `"api_key": "${key.api_key}", "api_key_secret": "${key.api_key_secret}"`

beforeAll(async () => {
  await t.db.execute('update agents set enabled = false')
  agent = await enrolTestAgent(t, await registrationToken(t, admin), { resources: { cores: 16, memory_bytes: 32 * 1024 ** 3, gpus: 0 } })
  const group = await t.seed.group({ settings: { allow_kasm_sharing: true, max_kasms_per_user: 0 } })
  image = await t.seed.image({ cores: 1, memory: 1024 ** 3 })
  await t.seed.permitImage(group.id, image.id)
  owner = await t.seed.user({ groups: [group.name] })
  viewer = await t.seed.user()
  key = await t.seed.apiKey({ permissions: ['user', 'users_auth_session', 'sessions_view', 'sessions_modify', 'sessions_delete'] })
})

/** Launches as a Kasm client does, and lets the test agent report the session running. */
async function launch(extra = '') {
  const res = await replay(
    'request_kasm',
    `{${creds()}, "user_id": "${kid(owner.id)}", "image_id": "${kid(image.id)}", "enable_sharing": true${extra}}`,
  )
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  const work = (await agent.poll()).body.work.create.find((w: { kasm_id: string }) => kid(w.kasm_id) === res.body.kasm_id)
  await agent.report([{ kasm_id: work.kasm_id, state: 'running' }])
  return { ...res.body, agentKasmId: work.kasm_id as string }
}

describe("Kasm's clients, session verbs", () => {
  it('request_kasm with every optional field Kasm documents answers as Kasm does', async () => {
    const body = await launch(
      `, "kasm_url": "https://www.kasmweb.com", "environment": {"MY_VAR": "1", "LEVEL": 2}, "client_language": "en-US", "client_timezone": "America/New_York", "connection_info": null, "egress_gateway_id": null, "persistent_profile_mode": "Enabled", "rdp_client_type": null, "server_id": null`,
    )
    const { agentKasmId: _, ...answer } = body
    expect(Object.keys(answer).sort()).toEqual(['kasm_id', 'kasm_url', 'session_token', 'share_id', 'status', 'user_id', 'username'])
    expect(body).toMatchObject({ status: 'starting', user_id: kid(owner.id), username: owner.username })
    expect(body.kasm_id).toMatch(HEX32)
    expect(body.share_id).toMatch(/^[0-9a-z]{24}$/)
    expect(body.kasm_url).toBe(`/#/connect/kasm/${body.kasm_id}/${kid(owner.id)}/${body.session_token}`)
  })

  it('request_kasm without image_id launches the default workspace, or says "No Default Image Found"', async () => {
    const none = await replay('request_kasm', `{${creds()}, "user_id": "${kid(viewer.id)}"}`)
    expect(none.status).toBe(400)
    expect(none.body.error_message).toBe('No Default Image Found')
    await t.api('update_user_attributes', { target_user_attributes: { user_id: kid(owner.id), default_image: kid(image.id) } }, admin)
    const res = await replay('request_kasm', `{${creds()}, "user_id": "${kid(owner.id)}"}`)
    expect(res.status).toBe(200)
    await replay('destroy_kasm', `{${creds()}, "kasm_id": "${res.body.kasm_id}", "user_id": "${kid(owner.id)}"}`)
  })

  it('get_kasm_status takes skip_agent_check, answers with a fresh kasm_url whose token replaces the last one', async () => {
    const launched = await launch()
    const text = `{${creds()}, "kasm_id": "${launched.kasm_id}", "user_id": "${kid(owner.id)}", "skip_agent_check": true}`
    const res = await replay('get_kasm_status', text)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      operational_status: 'running',
      kasm: { kasm_id: launched.kasm_id, user_id: kid(owner.id), share_id: launched.share_id },
    })
    expect(res.body.current_time).toMatch(ISO)
    expect(res.body.kasm_url).toMatch(new RegExp(`^/#/connect/kasm/${launched.kasm_id}/${kid(owner.id)}/[A-Za-z0-9]{32}$`))
    expect(res.body.kasm_url).not.toBe(launched.kasm_url)
    // The link request_kasm gave no longer signs in; the new one does, once the old is gone.
    const sign = (url: string) => {
      const [, , , , kasmId, userId, token] = url.split('/')
      return t.api('login', { kasm_id: kasmId, user_id: userId, session_token: token })
    }
    expect((await sign(launched.kasm_url)).status).toBe(401)
    expect((await sign(res.body.kasm_url)).status).toBe(200)
    // Kasm's clients send false too; the answer is the same shape.
    expect((await replay('get_kasm_status', text.replace('true}', 'false}'))).body.kasm_url).toMatch(/^\/#\/connect\/kasm\//)
  })

  it('join_kasm takes share_id or shared_id and answers with the join link and the session', async () => {
    const launched = await launch()
    for (const name of ['share_id', 'shared_id']) {
      const res = await replay('join_kasm', `{${creds()}, "${name}": "${launched.share_id}", "user_id": "${kid(viewer.id)}"}`)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body).toMatchObject({
        user_id: kid(viewer.id),
        kasm_url: `/#/join/${launched.share_id}`,
        kasm: { kasm_id: launched.kasm_id, share_id: launched.share_id, user: { username: owner.username } },
      })
      // Kasm's connection fields: the test agent's public URL is http://127.0.0.1:9.
      expect(res.body.kasm).toMatchObject({
        hostname: '127.0.0.1',
        host: '127.0.0.1',
        port: 9,
        port_map: { vnc: { port: 9, path: `kasm/${launched.agentKasmId}/vnc` } },
      })
      expect(res.body.kasm.client_settings).toEqual({
        allow_kasm_clipboard_up: false,
        allow_kasm_clipboard_down: false,
        allow_kasm_uploads: false,
        allow_kasm_downloads: false,
      })
      expect(res.body.current_time).toMatch(ISO)
    }
  })

  it('get_kasms, keepalive and destroy_kasm answer with Kasm’s fields', async () => {
    const launched = await launch()
    const list = await replay('get_kasms', `{${creds()}}`)
    expect(list.status).toBe(200)
    expect(list.body.current_time).toMatch(ISO)
    const mine = list.body.kasms.find((k: { kasm_id: string }) => k.kasm_id === launched.kasm_id)
    expect(mine).toMatchObject({ user_id: kid(owner.id), image_id: kid(image.id), operational_status: 'running' })
    for (const f of ['keepalive_date', 'expiration_date', 'created']) expect(mine[f]).toMatch(ISO)
    const alive = await replay('keepalive', `{${creds()}, "kasm_id": "${launched.kasm_id}"}`)
    expect(alive.status).toBe(200)
    expect(alive.body.usage_reached).toBe(false)
    const gone = await replay('destroy_kasm', `{${creds()}, "kasm_id": "${launched.kasm_id}", "user_id": "${kid(owner.id)}"}`)
    expect(gone).toEqual({ status: 200, body: {} })
  })

  it('exec_command_kasm with Kasm’s exec_config answers with the session and the time', async () => {
    const launched = await launch()
    const pending = replay(
      'exec_command_kasm',
      `{${creds()}, "kasm_id": "${launched.kasm_id}", "user_id": "${kid(owner.id)}", "exec_config": {"cmd": "bash -c 'echo hi'", "environment": {"A": "1"}, "workdir": "/tmp", "privileged": false, "user": "root"}}`,
    )
    // Play the agent: take the exec from the poll and report its result.
    let exec: { exec_id: string } | undefined
    for (let i = 0; !exec && i < 50; i++) {
      const poll = await agent.poll([{ kasm_id: launched.agentKasmId, state: 'running' }])
      exec = poll.body.work?.exec?.[0]
    }
    await agent.signed('/api/agent/report', { sessions: [], execs: [{ exec_id: exec!.exec_id, exit_code: 0, output: 'hi\n' }] })
    const res = await pending
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ kasm: { kasm_id: launched.kasm_id }, exit_code: 0, output: 'hi\n' })
    expect(res.body.current_time).toMatch(ISO)
  })

  it('answers a permission failure with 403 "Unauthorized", as Kasm’s clients expect', async () => {
    const bare = await t.seed.apiKey()
    const res = await replay('get_kasms', `{"api_key": "${bare.api_key}", "api_key_secret": "${bare.api_key_secret}"}`)
    expect(res.status).toBe(403)
    expect(res.body.error_message).toMatch(/^Unauthorized/)
  })
})
