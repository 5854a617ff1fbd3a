// End to end on the real Docker engine: request_kasm → container → running → RFB through the
// gateway with the stream token → destroy_kasm → the container is gone.
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { RfbTestClient } from '../support/rfb/client'
import { waitForFullScreen } from '../support/rfb/screen'
import { signTestEdgeToken } from '../support/edge-token'
import { launcherUser, waitEnded, waitFor, waitRunning, useAgentPlatform } from '../support/platform'

const { edge, agent } = useAgentPlatform('l')

describe('a container session', () => {
  it('starts, streams its desktop through the gateway, and is removed on destroy', async () => {
    const user = await launcherUser(edge, {})
    const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    expect(req.status).toBe(200)
    const status = await waitRunning(edge, user.token, req.body.kasm_id)
    const { url, token } = status.kasm.stream
    const containers = await agent.docker.listManaged(agent.agentId)
    const mine = containers.filter((c) => c.kasmId?.replaceAll('-', '') === req.body.kasm_id)
    expect(mine).toHaveLength(1)
    expect(mine[0]!.state).toBe('running')

    const client = await RfbTestClient.viaRelay(`${url}?token=${encodeURIComponent(token)}`)
    const init = await client.handshake()
    expect(init.width).toBeGreaterThan(0)
    const from = client.messages.length
    client.requestUpdate(false)
    const rects = await waitForFullScreen(client, from, 20_000)
    expect(rects.length).toBeGreaterThan(0)
    client.close()

    expect((await edge.api('destroy_kasm', { kasm_id: req.body.kasm_id }, user.token)).status).toBe(200)
    await waitFor(
      async () => (await agent.docker.listManaged(agent.agentId)).every((c) => c.kasmId?.replaceAll('-', '') !== req.body.kasm_id),
      30_000,
      'the container to go',
    )
    await waitEnded(edge, user.token, req.body.kasm_id, 10_000)
  }, 180_000)

  it('the gateway refuses a missing, forged or other-session token', async () => {
    const user = await launcherUser(edge, {})
    const a = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    const statusA = await waitRunning(edge, user.token, a.body.kasm_id)
    const b = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    const statusB = await waitRunning(edge, user.token, b.body.kasm_id)
    const refused = (u: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(u)
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        ws.on('open', () => (ws.close(), resolve(101)))
        ws.on('error', () => resolve(-1))
      })
    const urlA = statusA.kasm.stream.url as string
    expect(await refused(urlA)).toBe(401)
    expect(await refused(`${urlA}?token=${statusA.kasm.stream.token.slice(0, -4)}AAAA`)).toBe(401)
    expect(await refused(`${urlA}?token=${statusB.kasm.stream.token}`)).toBe(401)
    await edge.api('destroy_kasm', { kasm_id: a.body.kasm_id }, user.token)
    await edge.api('destroy_kasm', { kasm_id: b.body.kasm_id }, user.token)
  }, 180_000)
})

describe('the wake hint', () => {
  it('is accepted only when signed by the edge for this agent', async () => {
    const { generateKeyPair, SignJWT } = await import('jose')
    const wake = (auth?: string) =>
      fetch(new URL('/wake', agent.config.publicUrl), { method: 'POST', headers: auth ? { Authorization: `Bearer ${auth}` } : {} })
    expect((await wake()).status).toBe(401)
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const forged = await new SignJWT({ typ: 'wake' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('oriel-edge')
      .setAudience(agent.agentId)
      .setExpirationTime('1m')
      .sign(privateKey)
    expect((await wake(forged)).status).toBe(401)
    const otherAgent = await signTestEdgeToken('wake', {}, crypto.randomUUID())
    expect((await wake(otherAgent)).status).toBe(401)
    const noFlags = { clipboard_up: false, clipboard_down: false, uploads: false, downloads: false, printing: false }
    const stream = await signTestEdgeToken(
      'stream',
      { sub: agent.agentId, kasm_id: agent.agentId, dlp: noFlags, view_only: false },
      agent.agentId,
    )
    expect((await wake(stream)).status).toBe(401)
    const good = await signTestEdgeToken('wake', {}, agent.agentId)
    expect((await wake(good)).status).toBe(204)
  })
})
