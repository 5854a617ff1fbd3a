// Click-to-desktop through the platform: request_kasm → get_kasm_status every 25 ms until running →
// RFB through the agent gateway with the stream token → the first FramebufferUpdate.
import { RfbTestClient } from '../../tests/support/rfb/client'
import { waitFor, type Edge, type startAgentProcess } from '../../tests/support/platform'
import { firstUpdate, sleep } from './vnc'

export const STATUS_POLL_MS = 25
const START_TIMEOUT_MS = 60_000

type Agent = Awaited<ReturnType<typeof startAgentProcess>>
export type User = { token: string; imageId: string }

/** Milliseconds from just before request_kasm was sent, per milestone. */
export type OursSample = {
  /** request_kasm answered (the wake hint goes out after the response). */
  requested: number
  /** First status poll that saw the agent working on it (provisioning or starting), if any did. */
  starting: number | null
  /** First status poll that saw `running`. */
  running: number
  /** ServerInit through the gateway. */
  serverInit: number
  /** First FramebufferUpdate read whole: the measured figure. */
  update: number
}

/** Polls get_kasm_status on a fixed 25 ms cadence (a slow answer delays only the next poll). */
export async function pollUntilRunning(edge: Edge, user: User, kasmId: string, t0: number) {
  const deadline = performance.now() + START_TIMEOUT_MS
  let starting: number | null = null
  for (;;) {
    const sent = performance.now()
    const s = await edge.api('get_kasm_status', { kasm_id: kasmId }, user.token)
    const at = performance.now() - t0
    const state = s.body.operational_status as string | undefined
    if (state === 'running') return { starting, running: at, stream: s.body.kasm.stream as { url: string; token: string } }
    if ((state === 'provisioning' || state === 'starting') && starting === null) starting = at
    if (state === 'error' || s.status !== 200 || performance.now() > deadline)
      throw new Error(`session did not start: ${s.status} ${JSON.stringify(s.body)}`)
    await sleep(Math.max(0, sent + STATUS_POLL_MS - performance.now()))
  }
}

/** One measured launch; the session is destroyed afterwards (untimed) and its container awaited gone. */
export async function launchOnce(edge: Edge, agent: Agent, user: User): Promise<OursSample> {
  const t0 = performance.now()
  const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
  const requested = performance.now() - t0
  if (req.status !== 200) throw new Error(`request_kasm: ${req.status} ${JSON.stringify(req.body)}`)
  const kasmId = req.body.kasm_id as string
  try {
    const { starting, running, stream } = await pollUntilRunning(edge, user, kasmId, t0)
    const client = await RfbTestClient.viaRelay(`${stream.url}?token=${encodeURIComponent(stream.token)}`)
    try {
      await client.handshake()
      const serverInit = performance.now() - t0
      const update = (await firstUpdate(client)) - t0
      return { requested, starting, running, serverInit, update }
    } finally {
      client.close()
    }
  } finally {
    await destroy(edge, agent, user, kasmId)
  }
}

export async function destroy(edge: Edge, agent: Agent, user: User, kasmId: string): Promise<void> {
  await edge.api('destroy_kasm', { kasm_id: kasmId }, user.token)
  const mine = (c: { kasmId: string }) => c.kasmId.replaceAll('-', '') === kasmId
  await waitFor(async () => !(await agent.docker.listManaged(agent.agentId)).some(mine), 30_000, `session ${kasmId}'s container to go`)
  await waitFor(
    async () => (await edge.api('get_kasm_status', { kasm_id: kasmId }, user.token)).status === 404,
    10_000,
    `session ${kasmId} to end`,
  )
}
