// The README's first command with a Docker engine present: `npm start` also runs a local agent and
// offers the reference desktop, so the printed user account can launch it and see its pixels.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RfbTestClient } from '../support/rfb/client'
import { waitForFullScreen } from '../support/rfb/screen'
import { ensureDocker, freePort, waitEnded, waitFor } from '../support/platform'

const dataDir = mkdtempSync(join(tmpdir(), 'oriel-npm-start-'))
let child: ChildProcess
let output = ''
let url: string

beforeAll(async () => {
  ensureDocker()
  const port = await freePort()
  const agentPort = await freePort()
  url = `http://127.0.0.1:${port}`
  child = spawn('npm', ['start'], {
    detached: true,
    env: { ...process.env, ORIEL_DATA_DIR: dataDir, PORT: String(port), ORIEL_AGENT_PORT: String(agentPort), DATABASE_URL: '' },
  })
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  await waitFor(async () => output.includes('Oriel is running'), 120_000, `npm start: ${output}`)
}, 900_000)

afterAll(async () => {
  if (child.exitCode === null) await new Promise<void>((r) => (child.once('exit', () => r()), process.kill(-child.pid!, 'SIGTERM')))
  rmSync(dataDir, { recursive: true, force: true })
})

const api = async (verb: string, body: Record<string, unknown>, token?: string) => {
  const res = await fetch(`${url}/api/public/${verb}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as any }
}

it('the printed user launches the reference desktop on the local agent', async () => {
  const password = (name: string) => output.match(new RegExp(`${name} password: (\\S+)`))?.[1]
  const admin = (await api('login', { username: 'admin@kasm.local', password: password('admin@kasm\\.local') })).body.token
  await waitFor(
    async () => (await api('get_agents', {}, admin)).body.agents.some((a: { status: string }) => a.status === 'online'),
    30_000,
    'the local agent',
  )
  const user = (await api('login', { username: 'user@kasm.local', password: password('user@kasm\\.local') })).body.token
  const images = (await api('get_images', {}, user)).body.images
  const desktop = images.find((i: { friendly_name: string }) => i.friendly_name === 'Debian Desktop')
  expect(desktop).toBeTruthy()
  const req = await api('request_kasm', { image_id: desktop.image_id }, user)
  expect(req.status).toBe(200)
  let status: any
  await waitFor(
    async () => (status = (await api('get_kasm_status', { kasm_id: req.body.kasm_id }, user)).body).operational_status === 'running',
    90_000,
    'the session',
  )
  const client = await RfbTestClient.viaRelay(`${status.kasm.stream.url}?token=${encodeURIComponent(status.kasm.stream.token)}`)
  await client.handshake()
  const from = client.messages.length
  client.requestUpdate(false)
  expect((await waitForFullScreen(client, from, 20_000)).length).toBeGreaterThan(0)
  client.close()
  expect((await api('destroy_kasm', { kasm_id: req.body.kasm_id }, user)).status).toBe(200)
  await waitEnded({ api }, user, req.body.kasm_id)
}, 240_000)
