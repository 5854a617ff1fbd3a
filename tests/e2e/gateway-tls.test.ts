// The gateway serving HTTPS/WSS itself (--tls-cert/--tls-key): the edge hands out a wss:// stream URL
// and the desktop streams over it; plain HTTP to the same port gets nothing.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { RfbTestClient } from '../support/rfb/client'
import { waitForFullScreen } from '../support/rfb/screen'
import { ensureDocker, launcherUser, startAgent, startEdge, waitRunning, type Edge } from '../support/platform'

const dir = mkdtempSync(join(tmpdir(), 'oriel-tls-'))
const NETWORK = `oriel-e2e-tls-${process.pid}`
let edge: Edge
let agent: Awaited<ReturnType<typeof startAgent>>

beforeAll(async () => {
  ensureDocker()
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'pipe' },
  )
  edge = await startEdge()
  agent = await startAgent(edge, { network: NETWORK, tls: { certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') } })
}, 900_000)

afterAll(async () => {
  await agent?.agent.close({ graceMs: 2_000 })
  for (const c of (await agent?.docker.listManaged(agent.agentId)) ?? []) await agent.docker.remove(c.containerId)
  await agent?.docker.removeSessionNetwork(NETWORK).catch(() => {})
  agent?.removeData()
  await edge?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('streams the desktop over wss:// with the agent’s own certificate', async () => {
  const user = await launcherUser(edge, {})
  const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
  const status = await waitRunning(edge, user.token, req.body.kasm_id)
  expect(status.kasm.stream.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/kasm\//)
  const client = await RfbTestClient.viaRelay(`${status.kasm.stream.url}?token=${encodeURIComponent(status.kasm.stream.token)}`, {
    ca: readFileSync(join(dir, 'cert.pem')),
  })
  await client.handshake()
  const from = client.messages.length
  client.requestUpdate(false)
  expect((await waitForFullScreen(client, from, 20_000)).length).toBeGreaterThan(0)
  client.close()
  const plain = await fetch(status.kasm.stream.url.replace('wss://', 'http://').replace(/\/kasm\/.*/, '/healthz')).catch(() => null)
  expect(plain?.ok ?? false).toBe(false)
  await edge.api('destroy_kasm', { kasm_id: req.body.kasm_id }, user.token)
})
