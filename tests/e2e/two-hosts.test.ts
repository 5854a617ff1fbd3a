// End to end with two agent hosts: agent 1 in this process on the main dockerd (zone "default",
// label h1), agent 2 as its own process inside a network namespace with its own dockerd (a second
// zone, label h2). The edge listens on the veth address both reach. Everything is asserted through
// the public API: placement spreads load, honours labels and zones, and a session on the second
// host streams through that host's gateway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RfbTestClient } from '../support/rfb/client'
import { waitForFullScreen } from '../support/rfb/screen'
import { createWorkspace, spawnNetnsAgent, startEdgeOn, startNetnsHost, userFor, type ChildAgent, type NetnsHost } from './netns-host'
import { ensureDocker, startAgent, waitEnded, waitFor, waitRunning, type Edge } from '../support/platform'

const HOST_NAME = 'e2e-h2'
const HOST_INDEX = '31'
const NETWORK_1 = `oriel-e2e-h1-${process.pid}`
const NETWORK_2 = `oriel-e2e-h2-${process.pid}`
/** Equal, known capacity on both agents, whatever this machine has (update_agent overrides). */
const AGENT_CORES = 4
const AGENT_MEMORY_BYTES = 16 * 1024 ** 3
const SESSION_MEMORY_BYTES = 768 * 1024 ** 2
/** Several desktops start at once on a 2-core VM. */
const RUNNING_MS = 150_000

let host: NetnsHost
let edge: Edge
let agent1: Awaited<ReturnType<typeof startAgent>>
let agent2: ChildAgent
let zone2Id: string
const ids = { agent1: '', agent2: '' }
const hex = (id: string) => id.replaceAll('-', '')

beforeAll(async () => {
  ensureDocker()
  host = startNetnsHost(HOST_NAME, HOST_INDEX)
  edge = await startEdgeOn(host.hostIp)
  agent1 = await startAgent(edge, { network: NETWORK_1, labels: ['h1'], name: 'e2e-h1' })
  const zone = await edge.api('create_zone', { target_zone: { zone_name: 'e2e-zone-h2' } }, edge.adminToken)
  zone2Id = zone.body.zone.zone_id
  const reg = await edge.api('create_registration_token', { target_registration_token: { zone_id: zone2Id } }, edge.adminToken)
  agent2 = await spawnNetnsAgent(host, {
    edgeUrl: edge.url,
    token: reg.body.registration_token.token,
    labels: ['h2'],
    network: NETWORK_2,
    name: 'e2e-h2',
  })
  ids.agent1 = hex(agent1.agentId)
  ids.agent2 = hex(agent2.agentId)
  await waitFor(
    async () => {
      const { body } = await edge.api('get_agents', {}, edge.adminToken)
      return [ids.agent1, ids.agent2].every((id) =>
        body.agents.some((a: { agent_id: string; status: string }) => a.agent_id === id && a.status === 'online'),
      )
    },
    30_000,
    'both agents to be online',
  )
  for (const id of [ids.agent1, ids.agent2]) {
    const res = await edge.api(
      'update_agent',
      { target_agent: { agent_id: id, cores_override: AGENT_CORES, memory_override: AGENT_MEMORY_BYTES } },
      edge.adminToken,
    )
    expect(res.status).toBe(200)
  }
}, 600_000)

afterAll(async () => {
  await agent2?.stop()
  await agent1?.agent.close({ graceMs: 2_000 })
  for (const c of (await agent1?.docker.listManaged(agent1.agentId).catch(() => [])) ?? []) await agent1.docker.remove(c.containerId)
  await agent1?.docker.removeSessionNetwork(NETWORK_1).catch(() => {})
  agent1?.removeData()
  if (host) {
    for (const c of (await host.docker.listManaged(agent2?.agentId ?? '').catch(() => [])) ?? []) await host.docker.remove(c.containerId)
    await host.docker.removeSessionNetwork(NETWORK_2).catch(() => {})
    host.stop()
  }
  await edge?.close()
}, 120_000)

type User = Awaited<ReturnType<typeof userFor>>

/** Launches `count` sessions one after another (so each placement sees the previous ones) and returns their ids. */
async function launch(user: User, imageId: string, count: number): Promise<string[]> {
  const kasmIds: string[] = []
  for (let i = 0; i < count; i++) {
    const req = await edge.api('request_kasm', { image_id: imageId }, user.token)
    expect(req.status, JSON.stringify(req.body)).toBe(200)
    kasmIds.push(req.body.kasm_id)
  }
  return kasmIds
}

async function agentOf(user: User, kasmId: string): Promise<string> {
  return (await edge.api('get_kasm_status', { kasm_id: kasmId }, user.token)).body.kasm.agent_id
}

/** Destroys the sessions and waits until their containers are gone from both daemons and the edge forgot them. */
async function destroyAll(user: User, kasmIds: string[]) {
  for (const id of kasmIds) expect((await edge.api('destroy_kasm', { kasm_id: id }, user.token)).status).toBe(200)
  const containersOf = async () => [
    ...(await agent1.docker.listManaged(agent1.agentId)),
    ...(await host.docker.listManaged(agent2.agentId)),
  ]
  await waitFor(async () => (await containersOf()).every((c) => !kasmIds.includes(hex(c.kasmId))), 60_000, 'the containers to go')
  for (const id of kasmIds) await waitEnded(edge, user.token, id)
}

describe('two agent hosts', () => {
  it('spreads sessions of an unrestricted workspace over both agents by load', async () => {
    const imageId = await createWorkspace(edge, { cores: 1, memory: SESSION_MEMORY_BYTES })
    const user = await userFor(edge, [imageId], { max_kasms_per_user: 0 })
    const kasmIds = await launch(user, imageId, 4)
    const placed = await Promise.all(kasmIds.map((id) => agentOf(user, id)))
    expect(placed.filter((a) => a === ids.agent1)).toHaveLength(2)
    expect(placed.filter((a) => a === ids.agent2)).toHaveLength(2)

    for (const id of kasmIds) await waitRunning(edge, user.token, id, RUNNING_MS)
    const running = async (docker: typeof host.docker, agentId: string) =>
      (await docker.listManaged(agentId)).filter((c) => c.state === 'running' && kasmIds.includes(hex(c.kasmId)))
    expect(await running(agent1.docker, agent1.agentId)).toHaveLength(2)
    expect(await running(host.docker, agent2.agentId)).toHaveLength(2)
    await destroyAll(user, kasmIds)
  }, 300_000)

  // Two launches each: after the first, least load alone would send the second to the other agent.
  it.each([
    { labels: { include_labels: ['h2'] }, expected: 'agent2', what: 'include_labels [h2] to agent 2 only' },
    { labels: { exclude_labels: ['h2'] }, expected: 'agent1', what: 'exclude_labels [h2] off agent 2' },
  ] as const)(
    'sends a workspace with $what',
    async ({ labels, expected }) => {
      const imageId = await createWorkspace(edge, { cores: 1, memory: SESSION_MEMORY_BYTES, ...labels })
      const user = await userFor(edge, [imageId], { max_kasms_per_user: 0 })
      const kasmIds = await launch(user, imageId, 2)
      for (const id of kasmIds) expect(await agentOf(user, id)).toBe(ids[expected])
      for (const id of kasmIds) await waitRunning(edge, user.token, id, RUNNING_MS)
      await destroyAll(user, kasmIds)
    },
    300_000,
  )

  it('runs a workspace restricted to the second zone on agent 2, and streams it through that host’s gateway', async () => {
    const imageId = await createWorkspace(edge, { cores: 1, memory: SESSION_MEMORY_BYTES, restrict_to_zone: true, zone_id: zone2Id })
    const user = await userFor(edge, [imageId], { max_kasms_per_user: 0 })
    const kasmIds = await launch(user, imageId, 2)
    for (const id of kasmIds) expect(await agentOf(user, id)).toBe(ids.agent2)
    const statuses = []
    for (const id of kasmIds) statuses.push(await waitRunning(edge, user.token, id, RUNNING_MS))

    const { url, token } = statuses[0].kasm.stream
    expect(new URL(url).host).toBe(new URL(agent2.publicUrl).host)
    const client = await RfbTestClient.viaRelay(`${url}?token=${encodeURIComponent(token)}`)
    const init = await client.handshake()
    expect(init.width).toBeGreaterThan(0)
    const from = client.messages.length
    client.requestUpdate(false)
    expect((await waitForFullScreen(client, from, 20_000)).length).toBeGreaterThan(0)
    client.close()

    await destroyAll(user, kasmIds)
    expect(await host.docker.listManaged(agent2.agentId)).toEqual([])
    expect(await agent1.docker.listManaged(agent1.agentId)).toEqual([])
  }, 300_000)
})
