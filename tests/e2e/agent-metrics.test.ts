// The agent's Prometheus metrics on its gateway, as an operator scrapes them: behind the token, and moving
// with real work: a session launched on the Docker engine, its desktop streamed through the relay, polls.
import { describe, expect, it } from 'vitest'
import { RfbTestClient } from '../support/rfb/client'
import { waitForFullScreen } from '../support/rfb/screen'
import { launcherUser, waitEnded, waitRunning, useAgentPlatform } from '../support/platform'

const TOKEN = 'agent-metrics-token-0123456789'
const { edge, agent } = useAgentPlatform('m', { metricsToken: TOKEN })

const scrape = async (auth = `Bearer ${TOKEN}`) => {
  const res = await fetch(`${agent.config.publicUrl}/metrics`, { headers: { Authorization: auth } })
  return { status: res.status, text: await res.text() }
}
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

describe('GET /metrics on the agent', () => {
  it('needs the token', async () => {
    expect((await scrape('Bearer not-the-token-at-all-000')).status).toBe(401)
    expect((await scrape('')).status).toBe(401)
    expect((await scrape()).status).toBe(200)
  })

  it('shows its sessions, the stream being relayed with its bytes, and its polls of the edge', async () => {
    // The agent polls from its start: the first poll's time is there once it has answered.
    await expect.poll(async () => value((await scrape()).text, 'oriel_agent_poll_duration_seconds_count{outcome="ok"}')).toBeGreaterThan(0)
    const before = (await scrape()).text
    const user = await launcherUser(edge, {})
    const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
    const status = await waitRunning(edge, user.token, req.body.kasm_id)
    const client = await RfbTestClient.viaRelay(`${status.kasm.stream.url}?token=${encodeURIComponent(status.kasm.stream.token)}`)
    await client.handshake()
    const from = client.messages.length
    client.requestUpdate(false)
    await waitForFullScreen(client, from, 20_000)
    const during = (await scrape()).text
    expect(value(during, 'oriel_agent_sessions{state="running"}')).toBe(1)
    expect(value(during, 'oriel_agent_streams')).toBe(1)
    // A full screen went down; the update request (10 bytes) went up: the relay answers the handshake itself.
    expect(
      value(during, 'oriel_agent_relay_bytes_total{direction="down"}') - value(before, 'oriel_agent_relay_bytes_total{direction="down"}'),
    ).toBeGreaterThan(10_000)
    expect(
      value(during, 'oriel_agent_relay_bytes_total{direction="up"}') - value(before, 'oriel_agent_relay_bytes_total{direction="up"}'),
    ).toBeGreaterThanOrEqual(10)
    expect(value(during, 'oriel_agent_poll_duration_seconds_count{outcome="ok"}')).toBeGreaterThan(
      value(before, 'oriel_agent_poll_duration_seconds_count{outcome="ok"}'),
    )
    client.close()
    await expect.poll(async () => value((await scrape()).text, 'oriel_agent_streams')).toBe(0)
    await edge.api('destroy_kasm', { kasm_id: req.body.kasm_id }, user.token)
    await waitEnded(edge, user.token, req.body.kasm_id, 60_000)
    await expect.poll(async () => value((await scrape()).text, 'oriel_agent_sessions{state="running"}')).toBe(0)
  }, 180_000)
})
