// request_kasm's launch options end to end: the edge, a real agent, the real Docker engine and the
// reference image. Each option is checked where it must act: inside the running container, or on
// the host's profile folder.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dockerCli } from '../support/docker-cli'
import { launcherUser, waitEnded, waitRunning, useAgentPlatform } from '../support/platform'

const { edge, agent } = useAgentPlatform('lo')
const profiles = mkdtempSync(join(tmpdir(), 'oriel-launch-profiles-'))
afterAll(() => rmSync(profiles, { recursive: true, force: true }))

type User = Awaited<ReturnType<typeof launcherUser>>

async function launch(user: User, options: Record<string, unknown> = {}) {
  const req = await edge.api('request_kasm', { image_id: user.imageId, ...options }, user.token)
  expect(req.status).toBe(200)
  await waitRunning(edge, user.token, req.body.kasm_id)
  return req.body.kasm_id as string
}

async function run(user: User, kasmId: string, cmd: string) {
  const res = await edge.api('exec_command_kasm', { kasm_id: kasmId, exec_config: { cmd } }, user.token)
  expect(res.status).toBe(200)
  return res.body as { exit_code: number; output: string }
}

async function destroy(user: User, kasmId: string) {
  await edge.api('destroy_kasm', { kasm_id: kasmId }, user.token)
  await waitEnded(edge, user.token, kasmId)
}

/** The container's mounts, as the engine reports them (not as the agent thinks it asked). */
async function mountsOf(kasmId: string): Promise<{ Source: string; Destination: string }[]> {
  const c = (await agent.docker.listManaged(agent.agentId)).find((m) => m.kasmId.replaceAll('-', '') === kasmId)
  return JSON.parse(await dockerCli('inspect', '--format', '{{json .Mounts}}', c!.containerId))
}

const setImage = (user: User, fields: Record<string, unknown>) =>
  edge.api('update_image', { target_image: { image_id: user.imageId, ...fields } }, edge.adminToken)

describe('environment, language, time zone and start URL', () => {
  it('are in the session container’s environment, over the workspace’s and never over the agent’s', async () => {
    const user = await launcherUser(edge, {})
    await setImage(user, { run_config: { environment: { GREETING: 'from the workspace', WORKSPACE_ONLY: 'yes', TZ: 'UTC' } } })
    try {
      const kasmId = await launch(user, {
        environment: { GREETING: 'from the launch', SPACED: 'a b=c' },
        client_language: 'pt_BR',
        client_timezone: 'America/Sao_Paulo',
        kasm_url: 'https://example.com/start',
      })
      const env = await run(user, kasmId, 'env')
      const vars = Object.fromEntries(
        env.output
          .trim()
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      )
      expect(vars).toMatchObject({
        GREETING: 'from the launch',
        SPACED: 'a b=c',
        WORKSPACE_ONLY: 'yes',
        LANG: 'pt_BR.UTF-8',
        LANGUAGE: 'pt_BR:pt',
        LC_ALL: 'pt_BR.UTF-8',
        TZ: 'America/Sao_Paulo',
        KASM_URL: 'https://example.com/start',
      })
      // The desktop's own processes see them too, not only a fresh exec (its PID 1 is docker-init).
      const xvnc = await run(
        user,
        kasmId,
        'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = Xvnc ] && tr "\\0" "\\n" < $p/environ; done | grep -E "^(TZ|LANG)="',
      )
      expect(xvnc.output.trim().split('\n').sort()).toEqual(['LANG=pt_BR.UTF-8', 'TZ=America/Sao_Paulo'])
      // The agent's VNC password cannot be sent at all.
      const refused = await edge.api('request_kasm', { image_id: user.imageId, environment: { VNC_PW: 'x' } }, user.token)
      expect(refused.status).toBe(400)
      await destroy(user, kasmId)
    } finally {
      await setImage(user, { run_config: {} })
    }
  })

  it('fall back to the user’s preferred language and time zone', async () => {
    const user = await launcherUser(edge, {})
    const set = await edge.api(
      'update_user_attributes',
      { target_user_attributes: { user_id: user.userId, preferred_language: 'de', preferred_timezone: 'Europe/Berlin' } },
      edge.adminToken,
    )
    expect(set.status).toBe(200)
    const kasmId = await launch(user)
    const env = await run(user, kasmId, 'echo "$LANG $LANGUAGE $LC_ALL $TZ"')
    expect(env.output).toBe('de_DE.UTF-8 de_DE:de de_DE.UTF-8 Europe/Berlin\n')
    await destroy(user, kasmId)
  })
})

describe('persistent_profile_mode', () => {
  it('Enabled keeps the profile, Disabled mounts none, Reset empties it; Reset waits for the profile’s live session to end', async () => {
    const user = await launcherUser(edge, { max_kasms_per_user: 0 })
    await setImage(user, { persistent_profile_path: join(profiles, '{username}') })
    const hostDir = join(profiles, user.username)
    try {
      const first = await launch(user)
      expect((await run(user, first, 'echo kept > ~/kept.txt')).exit_code).toBe(0)
      await destroy(user, first)
      expect(existsSync(join(hostDir, 'kept.txt'))).toBe(true)

      const enabled = await launch(user, { persistent_profile_mode: 'Enabled' })
      expect((await run(user, enabled, 'cat ~/kept.txt')).output).toBe('kept\n')
      expect(await mountsOf(enabled)).toContainEqual(expect.objectContaining({ Source: hostDir, Destination: '/home/kasm-user' }))
      // Emptying a profile a running session has bound would pull its home away: that launch fails.
      const clash = await edge.api('request_kasm', { image_id: user.imageId, persistent_profile_mode: 'Reset' }, user.token)
      await expect(waitRunning(edge, user.token, clash.body.kasm_id, 60_000)).rejects.toThrow(/in use by a running session/)
      expect(existsSync(join(hostDir, 'kept.txt'))).toBe(true)
      await edge.api('destroy_kasm', { kasm_id: clash.body.kasm_id }, user.token)
      await destroy(user, enabled)

      const disabled = await launch(user, { persistent_profile_mode: 'Disabled' })
      expect(await mountsOf(disabled)).toEqual([])
      expect((await run(user, disabled, 'test -e ~/kept.txt')).exit_code).toBe(1)
      await destroy(user, disabled)
      expect(existsSync(join(hostDir, 'kept.txt'))).toBe(true)

      const reset = await launch(user, { persistent_profile_mode: 'Reset' })
      expect(await mountsOf(reset)).toContainEqual(expect.objectContaining({ Source: hostDir, Destination: '/home/kasm-user' }))
      expect((await run(user, reset, 'test -e ~/kept.txt')).exit_code).toBe(1)
      expect(readdirSync(hostDir)).not.toContain('kept.txt')
      await destroy(user, reset)
    } finally {
      await setImage(user, { persistent_profile_path: null })
    }
  })
})
