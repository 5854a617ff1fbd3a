// Session features end to end on the real Docker engine: exec, uploads and downloads under DLP,
// and a persistent profile that outlives its session.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { launcherUser, waitEnded, waitFor, waitRunning, useAgentPlatform } from '../support/platform'

const { edge, agent } = useAgentPlatform('f')
const profiles = mkdtempSync(join(tmpdir(), 'oriel-profiles-'))
afterAll(() => rmSync(profiles, { recursive: true, force: true }))

async function launch(settings: Record<string, unknown> = {}) {
  const user = await launcherUser(edge, settings)
  const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
  expect(req.status).toBe(200)
  const status = await waitRunning(edge, user.token, req.body.kasm_id)
  return { ...user, kasmId: req.body.kasm_id as string, stream: status.kasm.stream as { files_url: string; token: string } }
}

const destroy = async (s: { token: string; kasmId: string }) => {
  await edge.api('destroy_kasm', { kasm_id: s.kasmId }, s.token)
  await waitEnded(edge, s.token, s.kasmId)
}

describe('exec_command_kasm', () => {
  it('runs a command in the session as the session user and answers with its output', async () => {
    const s = await launch()
    const res = await edge.api(
      'exec_command_kasm',
      { kasm_id: s.kasmId, exec_config: { cmd: 'id -u; echo "$GREETING"; pwd', environment: { GREETING: 'hello' }, workdir: '/tmp' } },
      s.token,
    )
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'done', exit_code: 0 })
    expect(res.body.output.trim().split('\n')).toEqual(['1000', 'hello', '/tmp'])
    const failing = await edge.api('exec_command_kasm', { kasm_id: s.kasmId, exec_config: { cmd: 'exit 3' } }, s.token)
    expect(failing.body.exit_code).toBe(3)
    const other = await launcherUser(edge, {})
    expect((await edge.api('exec_command_kasm', { kasm_id: s.kasmId, exec_config: { cmd: 'id' } }, other.token)).status).toBe(404)
    await destroy(s)
  })
})

describe('uploads and downloads', () => {
  const put = (s: { stream: { files_url: string; token: string } }, name: string, data: string) =>
    fetch(`${s.stream.files_url}/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${s.stream.token}` },
      body: data,
    })
  const get = (s: { stream: { files_url: string; token: string } }, name: string) =>
    fetch(`${s.stream.files_url}/${encodeURIComponent(name)}?token=${encodeURIComponent(s.stream.token)}`)

  it('moves files in and out when allowed', async () => {
    const s = await launch()
    expect((await put(s, 'notes.txt', 'uploaded text')).status).toBe(201)
    const inSession = await edge.api(
      'exec_command_kasm',
      { kasm_id: s.kasmId, exec_config: { cmd: 'cat ~/Uploads/notes.txt; echo made-inside > ~/Downloads/out.txt' } },
      s.token,
    )
    expect(inSession.body.output).toBe('uploaded text')
    const res = await get(s, 'out.txt')
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('made-inside\n')
    expect((await get(s, 'missing.txt')).status).toBe(404)
    expect((await put(s, '../escape.txt', 'x')).status).toBe(400)
    await destroy(s)
  })

  it('refuses both ways when the group forbids them, whatever the client sends', async () => {
    const s = await launch({ allow_kasm_uploads: false, allow_kasm_downloads: false })
    await edge.api('exec_command_kasm', { kasm_id: s.kasmId, exec_config: { cmd: 'echo secret > ~/Downloads/secret.txt' } }, s.token)
    expect((await put(s, 'in.txt', 'x')).status).toBe(403)
    expect((await get(s, 'secret.txt')).status).toBe(403)
    const uploads = await edge.api('exec_command_kasm', { kasm_id: s.kasmId, exec_config: { cmd: 'ls -A ~/Uploads | wc -l' } }, s.token)
    expect(uploads.body.output.trim()).toBe('0')
    await destroy(s)
  })

  it('refuses a request without a valid stream token', async () => {
    const s = await launch()
    expect((await fetch(`${s.stream.files_url}/x.txt`, { method: 'PUT', body: 'x' })).status).toBe(401)
    await destroy(s)
  })
})

describe('persistent profiles', () => {
  it('keeps the user’s home folder across destroy and relaunch', async () => {
    const user = await launcherUser(edge, {})
    const path = join(profiles, '{username}')
    await edge.api('update_image', { target_image: { image_id: user.imageId, persistent_profile_path: path } }, edge.adminToken)
    const first = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    await waitRunning(edge, user.token, first.body.kasm_id)
    const wrote = await edge.api(
      'exec_command_kasm',
      { kasm_id: first.body.kasm_id, exec_config: { cmd: 'echo kept > ~/kept.txt' } },
      user.token,
    )
    expect(wrote.body.exit_code).toBe(0)
    await destroy({ token: user.token, kasmId: first.body.kasm_id })
    const second = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    await waitRunning(edge, user.token, second.body.kasm_id)
    const read = await edge.api('exec_command_kasm', { kasm_id: second.body.kasm_id, exec_config: { cmd: 'cat ~/kept.txt' } }, user.token)
    expect(read.body.output).toBe('kept\n')
    await destroy({ token: user.token, kasmId: second.body.kasm_id })
    await edge.api('update_image', { target_image: { image_id: user.imageId, persistent_profile_path: null } }, edge.adminToken)
  })
})

describe('pause, stop and resume', () => {
  it('pauses, stops and resumes the container, and the desktop answers again', async () => {
    const s = await launch()
    const container = async () => {
      const all = await agent.docker.listManaged(agent.agentId)
      return all.find((c) => c.kasmId.replaceAll('-', '') === s.kasmId)!
    }
    const settle = (want: string) =>
      waitFor(
        async () => {
          const st = await edge.api('get_kasm_status', { kasm_id: s.kasmId }, s.token)
          return st.body.operational_status === want && st.body.operational_message === null
        },
        60_000,
        `the session to be ${want}`,
      )
    expect((await edge.api('pause_kasm', { kasm_id: s.kasmId }, s.token)).status).toBe(200)
    await settle('paused')
    expect((await container()).state).toBe('paused')
    expect((await edge.api('get_kasm_status', { kasm_id: s.kasmId }, s.token)).body.kasm.stream).toBeUndefined()
    expect((await edge.api('stop_kasm', { kasm_id: s.kasmId }, s.token)).status).toBe(200)
    await settle('stopped')
    expect((await container()).state).toBe('exited')
    expect((await edge.api('pause_kasm', { kasm_id: s.kasmId }, s.token)).status).toBe(409)
    expect((await edge.api('resume_kasm', { kasm_id: s.kasmId }, s.token)).status).toBe(200)
    await settle('running')
    const ran = await edge.api('exec_command_kasm', { kasm_id: s.kasmId, exec_config: { cmd: 'echo back' } }, s.token)
    expect(ran.body.output).toBe('back\n')
    await destroy(s)
  })

  it('refuses pause, stop and delete when the user’s groups do not allow them', async () => {
    const s = await launch({ allow_kasm_pause: false, allow_kasm_stop: false, allow_kasm_delete: false })
    for (const verb of ['pause_kasm', 'stop_kasm', 'destroy_kasm']) {
      const res = await edge.api(verb, { kasm_id: s.kasmId }, s.token)
      expect([verb, res.status]).toEqual([verb, 403])
    }
    expect((await edge.api('get_kasm_status', { kasm_id: s.kasmId }, s.token)).body.operational_status).toBe('running')
    await edge.api('destroy_kasm', { kasm_id: s.kasmId }, edge.adminToken)
    await waitEnded(edge, edge.adminToken, s.kasmId)
  })
})

describe('get_kasm_screenshot', () => {
  it('answers with a JPEG of the desktop at the asked width, for the owner only', async () => {
    const s = await launch()
    const shot = async () => {
      const res = await fetch(`${edge.url}/api/public/get_kasm_screenshot`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${s.token}` },
        body: JSON.stringify({ kasm_id: s.kasmId, width: 320 }),
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('image/jpeg')
      const bytes = Buffer.from(await res.arrayBuffer())
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]))
      const jpeg = (await import('jpeg-js')).default.decode(bytes)
      expect(jpeg.width).toBe(320)
      const distinct = new Set<number>()
      for (let i = 0; i < jpeg.data.length; i += 4)
        distinct.add((jpeg.data[i]! >> 4) * 256 + (jpeg.data[i + 1]! >> 4) * 16 + (jpeg.data[i + 2]! >> 4))
      return distinct.size
    }
    // The session counts as running once Xvnc answers; twm and the terminal paint a moment later.
    // The screenshot must then show them: not a blank frame.
    let colours = 0
    await waitFor(async () => (colours = await shot()) > 2, 15_000, `a painted desktop (colours seen: ${colours})`)
    const other = await launcherUser(edge, {})
    expect((await edge.api('get_kasm_screenshot', { kasm_id: s.kasmId }, other.token)).status).toBe(404)
    await destroy(s)
  })
})

describe('images from a private registry', () => {
  it('pulls with the workspace’s credentials; a wrong password fails the launch with a clear message', async () => {
    const { startRegistry } = await import('../support/registry')
    const registry = await startRegistry('puller', 'registry-pass')
    try {
      const user = await launcherUser(edge, {})
      const a = edge.adminToken
      const made = await edge.api(
        'create_image',
        {
          target_image: {
            friendly_name: `Private ${user.userId.slice(0, 4)}`,
            name: registry.ref,
            cores: 0.5,
            memory: 768 * 1024 * 1024,
            docker_registry: registry.address,
            docker_user: 'puller',
            docker_password: 'wrong-pass',
          },
        },
        a,
      )
      const groups = (await edge.api('get_user', { target_user: { user_id: user.userId } }, a)).body.user.groups
      await edge.api(
        'add_images_group',
        {
          target_group: { group_id: groups.find((g: { name: string }) => g.name.startsWith('e2e-')).group_id },
          target_image: { image_id: made.body.image.image_id },
        },
        a,
      )
      const bad = await edge.api('request_kasm', { image_id: made.body.image.image_id }, user.token)
      await expect(waitRunning(edge, user.token, bad.body.kasm_id, 60_000)).rejects.toThrow(/could not start/)
      await edge.api('destroy_kasm', { kasm_id: bad.body.kasm_id }, user.token)

      await edge.api('update_image', { target_image: { image_id: made.body.image.image_id, docker_password: 'registry-pass' } }, a)
      const good = await edge.api('request_kasm', { image_id: made.body.image.image_id }, user.token)
      await waitRunning(edge, user.token, good.body.kasm_id, 120_000)
      expect((await agent.docker.listImages()).includes(registry.ref)).toBe(true)
      await destroy({ token: user.token, kasmId: good.body.kasm_id })
      await edge.api('delete_image', { target_image: { image_id: made.body.image.image_id } }, a)
    } finally {
      registry.forget()
      registry.stop()
    }
  }, 240_000)
})
