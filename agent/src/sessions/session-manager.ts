import type { ExecResult, ReportedSession } from '#schema'
import type { DockerPort } from '../docker/docker-port'
import type { SessionSpec } from '../docker/session-spec'
import type { CreateWork, EdgeClient, ExecWork, ScreenshotWork, Work } from '../edge-client/edge-client'
import type { HostFacts } from '../host-facts'
import type { Logger } from '#daemon-kit'
import type { CrashPoint } from './crash-point'
import { captureJpeg } from './screenshot'
import { waitForVnc } from './wait-for-vnc'

export const VNC_PORT = 5901
const VNC_READY_TIMEOUT_MS = 60_000
/**
 * How long adopt() waits for the desktops it finds running before it reports: those that answer by
 * then are running at once (the gateway serves them); the rest are finished in the background.
 */
const ADOPT_PROBE_MS = 2_000
/** The edge keeps 64 KiB of an exec's output (the end, where errors are). */
const MAX_EXEC_OUTPUT = 65_536

type LocalSession = ReportedSession & { address?: string; cancelled?: boolean; busy?: boolean; reporting?: Promise<void> }

export type SessionManagerOptions = {
  docker: DockerPort
  facts: HostFacts
  /** This agent's id: the label its containers carry. */
  agentId: string
  /** Each session's VNC password (vnc-password.ts). */
  vncPassword: (kasmId: string) => string
  edge: EdgeClient
  network: string
  log: Logger
  /** Fault injection for tests (crash-point.ts); a no-op unless armed. */
  crashPoint?: CrashPoint
}

/**
 * The sessions this agent holds. Wanted state comes from the edge (poll work); actual state from
 * Docker. Every transition is reported at once, so get_kasm_status moves without waiting for a poll.
 */
export function createSessionManager(opts: SessionManagerOptions) {
  const sessions = new Map<string, LocalSession>()
  const inFlight = new Set<Promise<void>>()
  const track = (p: Promise<void>) => {
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
  }

  async function report(s: LocalSession) {
    const { kasm_id, state, container_id, progress, message } = s
    await opts.edge
      .report([{ kasm_id, state, container_id: container_id ?? null, progress, message: message ?? null }])
      .catch((err) => opts.log.warn('report failed; the next poll carries the state', { kasm_id, error: String(err) }))
  }
  /**
   * Records a transition and reports it without holding up the work: reports of one session go out
   * in order through its own chain, while the launch moves on to the next Docker call.
   */
  const set = (s: LocalSession, change: Partial<LocalSession>) => {
    Object.assign(s, change)
    const snapshot = { ...s }
    s.reporting = (s.reporting ?? Promise.resolve()).then(() => report(snapshot))
    return s.reporting
  }

  function specOf(w: CreateWork): SessionSpec {
    return {
      kasmId: w.kasm_id,
      userId: w.user_id,
      username: w.username,
      imageId: w.image_id,
      image: w.image,
      cores: w.cores,
      memoryBytes: w.memory_bytes,
      gpuCount: w.gpu_count,
      runConfig: w.run_config,
      persistentProfilePath: w.persistent_profile_path,
      volumeMappings: w.volume_mappings,
      // A spec from an edge without launch options launches as before: profile enabled, nothing added.
      profileMode: w.persistent_profile_mode ?? 'Enabled',
      environment: w.environment ?? {},
      clientLanguage: w.client_language ?? null,
      clientTimezone: w.client_timezone ?? null,
      kasmUrl: w.kasm_url ?? null,
      vncPassword: opts.vncPassword(w.kasm_id),
      agentId: opts.agentId,
    }
  }

  const crashPoint = opts.crashPoint ?? (() => {})

  async function launch(w: CreateWork) {
    const s: LocalSession = { kasm_id: w.kasm_id, state: 'provisioning', progress: 5, message: 'Preparing the workspace image' }
    sessions.set(w.kasm_id, s)
    try {
      if (!(await opts.facts.hasImage(w.image))) {
        void set(s, { progress: 10, message: `Pulling ${w.image}` })
        // Pull progress maps onto 10–50 % of the launch; it is reported with the next transition or poll.
        await opts.docker.pullImage(w.image, w.registry_auth ?? undefined, (percent) => {
          s.progress = 10 + Math.round(percent * 0.4)
        })
        opts.facts.invalidate()
        void set(s, { progress: 50, message: 'Image ready' })
      }
      crashPoint('before-create')
      const { containerId } = await opts.docker.createSession(specOf(w), { network: opts.network })
      void set(s, { state: 'starting', progress: 60, message: 'Starting the desktop', container_id: containerId })
      crashPoint('after-create')
      await bringUp(s, containerId)
    } catch (err) {
      await failStart(s, err)
    }
  }

  /** Starts a created container and reports the session running once its desktop answers. */
  async function bringUp(s: LocalSession, containerId: string) {
    await opts.docker.startSession(containerId)
    crashPoint('after-start')
    const address = await opts.docker.sessionAddress(containerId, opts.network)
    await waitForVnc(address, VNC_PORT, VNC_READY_TIMEOUT_MS)
    if (s.cancelled) return
    await set(s, { state: 'running', progress: 100, message: null, address })
  }

  async function failStart(s: LocalSession, err: unknown) {
    // A destroyed session has been reported deleted; an error after that would be noise.
    if (s.cancelled) return
    opts.log.warn('session failed to start', { kasm_id: s.kasm_id, error: String(err) })
    await set(s, { state: 'error', message: `The session could not start: ${(err as Error).message}` })
  }

  /**
   * One container found at start-up. Docker's state says how far its launch got before the agent
   * stopped: `created` was never started (finish the launch), `running` may not serve its desktop
   * yet (probe it), `exited` is reported stopped and the edge decides (resume work, or destroy).
   */
  async function adoptContainer(c: { containerId: string; kasmId: string; state: string }) {
    const s: LocalSession = { kasm_id: c.kasmId, container_id: c.containerId, state: 'stopped', progress: 100 }
    sessions.set(c.kasmId, s)
    const finishInBackground = (work: () => Promise<void>) => {
      Object.assign(s, { state: 'starting', progress: 60, message: 'Starting the desktop' })
      track(work().catch((err) => failStart(s, err)))
    }
    if (c.state === 'paused') s.state = 'paused'
    else if (c.state === 'dead') Object.assign(s, { state: 'error', message: 'The session container is dead in Docker' })
    else if (c.state === 'created') finishInBackground(() => bringUp(s, c.containerId))
    else if (c.state === 'running' || c.state === 'restarting') {
      const address = await opts.docker.sessionAddress(c.containerId, opts.network).catch(() => undefined)
      if (!address) return // reported stopped: resume work restarts it, or fails with the reason
      const ready = await waitForVnc(address, VNC_PORT, ADOPT_PROBE_MS).then(
        () => true,
        () => false,
      )
      if (ready) Object.assign(s, { state: 'running', address })
      else
        finishInBackground(async () => {
          await waitForVnc(address, VNC_PORT, VNC_READY_TIMEOUT_MS)
          if (!s.cancelled) await set(s, { state: 'running', progress: 100, message: null, address })
        })
    }
  }

  /** Pause, stop or resume a session's container, then report where it is. */
  async function transition(kasmId: string, change: 'pause' | 'stop' | 'resume') {
    const s = sessions.get(kasmId)
    if (!s?.container_id || s.busy) return
    s.busy = true
    try {
      if (change === 'pause') {
        await opts.docker.pauseSession(s.container_id)
        await set(s, { state: 'paused', message: null })
      } else if (change === 'stop') {
        await opts.docker.stopSession(s.container_id)
        await set(s, { state: 'stopped', message: null, address: undefined })
      } else if (s.state === 'paused') {
        await opts.docker.unpauseSession(s.container_id)
        // Adopted while paused, the session has no address yet.
        const address = s.address ?? (await opts.docker.sessionAddress(s.container_id, opts.network))
        await set(s, { state: 'running', message: null, address })
      } else {
        await opts.docker.startSession(s.container_id)
        // A restarted container may get a new address; the desktop must answer again before it counts as running.
        const address = await opts.docker.sessionAddress(s.container_id, opts.network)
        await waitForVnc(address, VNC_PORT, VNC_READY_TIMEOUT_MS)
        await set(s, { state: 'running', message: null, address })
      }
    } catch (err) {
      opts.log.warn(`${change} failed`, { kasm_id: kasmId, error: String(err) })
      await set(s, { state: 'error', message: `The session could not ${change}: ${(err as Error).message}` })
    } finally {
      s.busy = false
    }
  }

  async function destroy(kasmId: string) {
    const s = sessions.get(kasmId)
    if (s) s.cancelled = true
    const containers = await opts.docker.listManaged(opts.agentId)
    for (const c of containers.filter((c) => c.kasmId === kasmId)) await opts.docker.remove(c.containerId)
    sessions.delete(kasmId)
    await report({ kasm_id: kasmId, state: 'deleted', progress: 100 })
  }

  /**
   * Execs already started. Kept after they finish: a poll answered just before our report reached
   * the edge may hand the same exec out again. Ids are small; the set is cleared past a bound.
   */
  const execsRunning = new Set<string>()
  const MAX_REMEMBERED_EXECS = 10_000
  async function runExec(e: ExecWork) {
    if (execsRunning.size > MAX_REMEMBERED_EXECS) execsRunning.clear()
    execsRunning.add(e.exec_id)
    const s = sessions.get(e.kasm_id)
    let result: ExecResult
    try {
      if (!s?.container_id || s.state !== 'running') throw new Error('the session is not running on this agent')
      const { exitCode, output } = await opts.docker.exec(s.container_id, ['sh', '-c', e.cmd], {
        user: e.user ?? '1000',
        workdir: e.workdir,
        privileged: e.privileged,
        env: e.environment ? Object.entries(e.environment).map(([k, v]) => `${k}=${v}`) : undefined,
      })
      result = { exec_id: e.exec_id, exit_code: exitCode, output: output.slice(-MAX_EXEC_OUTPUT) }
    } catch (err) {
      result = { exec_id: e.exec_id, exit_code: null, output: '', error: (err as Error).message.slice(0, 1000) }
    }
    await opts.edge.report([], [result]).catch((err) => opts.log.warn('exec report failed', { exec_id: e.exec_id, error: String(err) }))
  }

  async function screenshot(r: ScreenshotWork) {
    execsRunning.add(r.request_id)
    const s = sessions.get(r.kasm_id)
    const result = await (async () => {
      if (!s?.address || s.state !== 'running') return { request_id: r.request_id, error: 'the session is not running on this agent' }
      const jpeg = await captureJpeg(s.address, VNC_PORT, opts.vncPassword(r.kasm_id), r.width)
      return { request_id: r.request_id, jpeg_base64: jpeg.toString('base64') }
    })().catch((err: Error) => ({ request_id: r.request_id, error: err.message.slice(0, 1000) }))
    await opts.edge.screenshot(result).catch((err) => opts.log.warn('screenshot upload failed', { error: String(err) }))
  }

  return {
    /**
     * After a restart: every labelled container is taken back and reported at the first poll (the
     * edge answers which to keep); launches the restart interrupted are finished.
     */
    async adopt() {
      const found = (await opts.docker.listManaged(opts.agentId)).filter((c) => c.kasmId && c.state !== 'removing')
      await Promise.all(found.map(adoptContainer))
      opts.log.info('adopted sessions', { count: sessions.size })
    },
    snapshot: (): ReportedSession[] =>
      [...sessions.values()].map(({ kasm_id, state, container_id, progress, message }) => ({
        kasm_id,
        state,
        container_id: container_id ?? null,
        progress,
        message: message ?? null,
      })),
    apply(work: Work) {
      for (const w of work.create) if (!sessions.has(w.kasm_id)) track(launch(w))
      for (const [ids, change] of [
        [work.pause, 'pause'],
        [work.stop, 'stop'],
        [work.resume, 'resume'],
      ] as const) {
        for (const id of ids) track(transition(id, change))
      }
      for (const e of work.exec) if (!execsRunning.has(e.exec_id)) track(runExec(e))
      for (const r of work.screenshot) if (!execsRunning.has(r.request_id)) track(screenshot(r))
      for (const id of work.destroy) track(destroy(id).catch((err) => opts.log.warn('destroy failed', { kasm_id: id, error: String(err) })))
    },
    /** Where the gateway finds a running session's VNC server. */
    lookup: (kasmId: string) => {
      const s = sessions.get(kasmId)
      return s?.state === 'running' && s.address ? { address: s.address, containerId: s.container_id! } : undefined
    },
    idle: () => Promise.all([...inFlight]).then(() => undefined),
  }
}
export type SessionManager = ReturnType<typeof createSessionManager>
