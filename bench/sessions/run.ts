// `npx tsx bench/sessions/run.ts`: what a session costs on top of Docker, on this machine.
//  1. Click-to-desktop: request_kasm → first FramebufferUpdate through the gateway (real edge + agent +
//     Docker), next to a bare dockerode create + start of the same image read directly over VNC.
//  2. RFB relay throughput: Raw full-screen updates through our gateway relay vs Debian's websockify.
// Prints tables, then one `BENCH_JSON {...}` line. Everything it starts is removed, also on failure.
//
// Knobs (env): BENCH_LAUNCHES (20), BENCH_STREAM_MS (5000), BENCH_STREAM_WARMUP_MS (1000),
// BENCH_STREAM_ROUNDS (2: A B A B).
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Docker from 'dockerode'
import { createDockerodePort } from '../../agent/src/docker/docker-port'
import { startPostgres } from '../../tests/support/postgres'
import { ensureDocker, IMAGE, launcherUser, startAgentProcess, startEdge, waitRunning, type Edge } from '../../tests/support/platform'
import { BANNER_POLL_MS, BENCH_LABEL, baselineOnce, type BaselineOptions, type BaselineSample } from './baseline'
import { destroy, launchOnce, STATUS_POLL_MS, type OursSample, type User } from './launch'
import { printReport } from './report'
import { startWebsockify, streamOnce, treeCpuSeconds, type StreamResult, type StreamTarget } from './throughput'
import { VNC_PORT } from './vnc'

const num = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`)
  return n
}
const LAUNCHES = num('BENCH_LAUNCHES', 20)
const STREAM_MS = num('BENCH_STREAM_MS', 5000)
const STREAM_WARMUP_MS = num('BENCH_STREAM_WARMUP_MS', 1000)
const STREAM_ROUNDS = num('BENCH_STREAM_ROUNDS', 2)
const NETWORK = `oriel-bench-${process.pid}`
const SOCKET = '/var/run/docker.sock'

type Agent = Awaited<ReturnType<typeof startAgentProcess>>
const progress = (msg: string) => process.stdout.write(`  ${msg}\n`)

const cleanups: (() => Promise<unknown> | unknown)[] = []
const cleanup = async () => {
  for (const f of cleanups.splice(0).reverse())
    await Promise.resolve()
      .then(f)
      .catch((e) => console.error('cleanup:', e))
}
/** Set by SIGINT/SIGTERM: the loops stop before their next step, so whatever is in flight removes its own container. */
let stopping = false
const checkStop = () => {
  if (stopping) throw new Error('interrupted')
}

async function main() {
  const startedAt = performance.now()
  const loadAtStart = loadavg()[0]!
  process.chdir(fileURLToPath(new URL('../..', import.meta.url))) // the platform's scripts are repo-relative
  const children = new Set<ChildProcess>()
  const own = (c: ChildProcess) => (children.add(c), c.once('exit', () => children.delete(c)))
  cleanups.push(() => children.forEach((c) => c.kill('SIGKILL')))

  try {
    progress('Docker and the reference image...')
    ensureDocker()
    const docker = new Docker({ socketPath: SOCKET, version: 'v1.41' })
    // Production runs on Postgres (Neon): the edge here uses a real one, not the embedded PGlite.
    const pg = await startPostgres()
    cleanups.push(() => pg.stop())
    const edge = await startEdge({ databaseUrl: pg.url() })
    cleanups.push(() => edge.close())
    const dataDir = mkdtempSync(join(tmpdir(), 'oriel-bench-agent-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    let agent: Agent | undefined
    cleanups.push(() => removeEverything(docker, agent))
    // The agent runs as its own process, as deployed (one daemon per Docker host).
    agent = await startAgentProcess(edge, { network: NETWORK, dataDir })
    const user = await launcherUser(edge, {})
    const image = (
      (await edge.api('get_images', {}, edge.adminToken)).body.images as { image_id: string; cores: number; memory: number }[]
    ).find((i) => i.image_id === user.imageId)
    if (!image) throw new Error(`image ${user.imageId} not found`)
    const base: BaselineOptions = { docker, image: IMAGE, network: NETWORK, cores: image.cores, memoryBytes: image.memory }

    progress('warm-up: one launch of each (untimed)...')
    await launchOnce(edge, agent, user)
    await baselineOnce(base)
    const ours: OursSample[] = []
    const baseline: BaselineSample[] = []
    for (let i = 0; i < LAUNCHES; i++) {
      checkStop()
      ours.push(await launchOnce(edge, agent, user))
      baseline.push(await baselineOnce(base))
      progress(`launch ${i + 1}/${LAUNCHES}: ours ${ours[i]!.update.toFixed(0)} ms, baseline ${baseline[i]!.update.toFixed(0)} ms`)
    }

    progress('relay throughput...')
    const stream = await measureThroughput(edge, agent, user, own)

    const info = await docker.version()
    printReport({
      env: {
        node: process.version,
        cpu: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
        cpu_count: cpus().length,
        docker: info.Version,
        image: IMAGE,
        cores: image.cores,
        memory_mib: image.memory / 1024 ** 2,
        launches: LAUNCHES,
        status_poll_ms: STATUS_POLL_MS,
        banner_poll_ms: BANNER_POLL_MS,
        stream_ms: STREAM_MS,
        stream_warmup_ms: STREAM_WARMUP_MS,
        stream_rounds: STREAM_ROUNDS,
        load_avg_1m_start: Math.round(loadAtStart * 100) / 100,
        load_avg_1m_end: Math.round(loadavg()[0]! * 100) / 100,
      },
      ours,
      baseline,
      stream,
      startedAt,
    })
  } finally {
    await cleanup()
  }
}

/** One session, streamed through A (our relay) and B (websockify) in the order A B A B. */
async function measureThroughput(edge: Edge, agent: Agent, user: User, own: (c: ChildProcess) => void) {
  const req = await edge.api('request_kasm', { image_id: user.imageId }, user.token)
  if (req.status !== 200) throw new Error(`request_kasm: ${req.status} ${JSON.stringify(req.body)}`)
  const kasmId = req.body.kasm_id as string
  let ws: Awaited<ReturnType<typeof startWebsockify>> | undefined
  try {
    await waitRunning(edge, user.token, kasmId)
    const c = (await agent.docker.listManaged(agent.agentId)).find((m) => m.kasmId.replaceAll('-', '') === kasmId)
    if (!c) throw new Error(`no container for session ${kasmId}`)
    const ip = await agent.docker.sessionAddress(c.containerId, NETWORK)
    // websockify does not terminate RFB, so its client needs the container's own VNC password.
    const env = (await new Docker({ socketPath: SOCKET, version: 'v1.41' }).getContainer(c.containerId).inspect()).Config.Env ?? []
    const password = env.find((e) => e.startsWith('VNC_PW='))?.slice('VNC_PW='.length)
    if (!password) throw new Error('session container has no VNC_PW')
    ws = await startWebsockify(`${ip}:${VNC_PORT}`, own)
    const wsProc = ws.proc
    const wsUrl = ws.url
    const viaGateway: StreamTarget = {
      url: async () => {
        const { url, token } = (await waitRunning(edge, user.token, kasmId)).kasm.stream as { url: string; token: string }
        return `${url}?token=${encodeURIComponent(token)}`
      },
      password: null,
      cpuSeconds: () => treeCpuSeconds(agent!.pid),
    }
    const viaWebsockify: StreamTarget = { url: async () => wsUrl, password, cpuSeconds: () => treeCpuSeconds(wsProc.pid!) }
    const results = { ours: [] as StreamResult[], websockify: [] as StreamResult[] }
    for (let round = 1; round <= STREAM_ROUNDS; round++) {
      checkStop()
      results.ours.push(await streamOnce(viaGateway, STREAM_WARMUP_MS, STREAM_MS, own))
      progress(`A ours #${round}: ${results.ours.at(-1)!.mbPerS.toFixed(0)} MB/s`)
      results.websockify.push(await streamOnce(viaWebsockify, STREAM_WARMUP_MS, STREAM_MS, own))
      progress(`B websockify #${round}: ${results.websockify.at(-1)!.mbPerS.toFixed(0)} MB/s`)
    }
    return results
  } finally {
    ws?.proc.kill('SIGTERM')
    await destroy(edge, agent, user, kasmId).catch((e) => console.error('destroy:', e))
  }
}

/**
 * Stops the agent, then removes every container this run made, the session network (with its
 * firewall rules). Works from whatever got started.
 */
async function removeEverything(docker: Docker, agent: Agent | undefined) {
  if (agent) {
    await agent.agent.close()
    for (const c of await agent.docker.listManaged(agent.agentId)) await agent.docker.remove(c.containerId)
  }
  const mine = await docker.listContainers({ all: true, filters: { label: [`${BENCH_LABEL}=${process.pid}`] } })
  for (const c of mine) await docker.getContainer(c.Id).remove({ force: true, v: true })
  await (agent?.docker ?? createDockerodePort({ socketPath: SOCKET })).removeSessionNetwork(NETWORK)
}

const done = main().then(
  () => process.exitCode ?? 0,
  (err) => {
    console.error('session bench failed:', err)
    return 1
  },
)
// Ctrl-C reaches this process twice (from the terminal and relayed by tsx): later signals are ignored.
const onSignal = () => {
  if (stopping) return
  stopping = true
  progress('interrupted: finishing the current step, then cleaning up...')
  // main's finally cleans up; if the step in flight hangs, clean up from here after 20 s.
  const late = new Promise<void>((r) => setTimeout(r, 20_000).unref())
  void Promise.race([done, late])
    .then(cleanup)
    .finally(() => process.exit(130))
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)
void done.then((code) => process.exit(stopping ? 130 : code))
