import type { Config } from './config'
import type { DockerPort } from './docker/docker-port'
import { createEdgeClient, EdgeError } from './edge-client/edge-client'
import { createGateway } from './gateway/server'
import { createHostFacts } from './host-facts'
import { loadIdentity } from './identity'
import type { Logger } from './log'
import { createCrashPoint } from './sessions/crash-point'
import { createSessionManager } from './sessions/session-manager'

export const RECONNECT_MAX_MS = 10_000
const RECONNECT_INITIAL_MS = 250

export type AgentOptions = {
  config: Config
  docker: DockerPort
  log: Logger
  /** Sets up the session bridge's isolation (iptables on a real host); injected so tests can observe it. */
  isolate: (bridge: string) => Promise<void>
  /**
   * Ends the process when a crash point armed in `config.crashPoint` is reached (fault injection for
   * tests); entry files pass a SIGKILL of their own pid. Without it crash points do nothing.
   */
  kill?: () => void
}

/**
 * The agent (Coder-style lifecycle): `start()` enrols if needed, adopts what Docker holds, opens the
 * gateway and polls the edge until `close()`. Polls come every `poll_after_ms`, at once after a
 * wake hint, and back off (capped) while the edge is unreachable.
 */
export function createAgent(opts: AgentOptions) {
  const abort = new AbortController()
  let wake: () => void = () => {}
  let loop: Promise<void> | undefined
  let gateway: ReturnType<typeof createGateway> | undefined

  /** Waits `ms`, or less if a wake hint arrives or the agent is closing (including already closed). */
  // A wake hint that arrives while a poll is in flight is kept, so the next poll follows at once: the
  // poll under way may have been answered before the edge committed the work the hint announces.
  let wakePending = false
  wake = () => void (wakePending = true)
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (abort.signal.aborted || wakePending) {
        wakePending = false
        return resolve()
      }
      const done = () => {
        clearTimeout(t)
        abort.signal.removeEventListener('abort', done)
        wake = () => void (wakePending = true)
        resolve()
      }
      const t = setTimeout(done, ms)
      wake = done
      abort.signal.addEventListener('abort', done, { once: true })
    })

  return {
    async start(): Promise<{ agentId: string; gatewayPort: number }> {
      const { config, docker, log } = opts
      const identity = await loadIdentity(config.dataDir)
      const edge = createEdgeClient(config.edgeUrl, identity)
      if (!identity.agentId) {
        if (!config.token) throw new Error('ORIEL_AGENT_TOKEN is required for the first start (the agent is not enrolled)')
        const info = await docker.info()
        const enrolled = await edge.enroll({
          token: config.token,
          publicUrl: config.publicUrl,
          name: config.name,
          labels: config.labels,
          resources: { cores: info.cores, memory_bytes: info.memoryBytes, gpus: info.gpus },
        })
        identity.saveEnrolment(enrolled.agent_id, enrolled.edge_jwks)
        log.info('enrolled', { agent_id: enrolled.agent_id })
      }
      const { bridge } = await docker.ensureSessionNetwork(config.sessionNetwork)
      await opts.isolate(bridge)
      const facts = createHostFacts(docker)
      if (config.crashPoint && !opts.kill) log.warn('ORIEL_CRASH_POINT is set but this entry point cannot kill the process; ignored')
      const crashPoint = createCrashPoint(config.crashPoint, opts.kill)
      const sessions = createSessionManager({ docker, facts, identity, edge, network: config.sessionNetwork, log, crashPoint })
      await sessions.adopt()
      gateway = createGateway({
        host: config.listenHost,
        port: config.listenPort,
        agentId: () => identity.agentId!,
        edgeJwks: () => identity.edgeJwks!,
        sessions,
        vncPassword: identity.vncPassword,
        onWake: () => wake(),
        docker,
        tls: config.tls,
        log,
      })
      const gatewayPort = await gateway.listen()
      loop = (async () => {
        let backoff = RECONNECT_INITIAL_MS
        while (!abort.signal.aborted) {
          try {
            const { info, images } = await facts.get()
            const answer = await edge.poll({
              resources: { cores: info.cores, memory_bytes: info.memoryBytes, gpus: info.gpus },
              images,
              sessions: sessions.snapshot(),
            })
            sessions.apply(answer.work)
            backoff = RECONNECT_INITIAL_MS
            await sleep(answer.poll_after_ms)
          } catch (err) {
            if (err instanceof EdgeError && err.status === 401) log.error('the edge refused our signature', { error: err.message })
            else log.warn('poll failed', { error: String(err), retry_ms: backoff })
            await sleep(backoff)
            backoff = Math.min(backoff * 2, RECONNECT_MAX_MS)
          }
        }
        await sessions.idle()
      })()
      return { agentId: identity.agentId!, gatewayPort }
    },
    /** Stops polling and the gateway; session containers keep running and are adopted at next start. */
    async close({ graceMs = 5_000 }: { graceMs?: number } = {}): Promise<void> {
      abort.abort()
      const deadline = new Promise<void>((r) => setTimeout(r, graceMs).unref())
      await Promise.race([Promise.all([loop, gateway?.close()]), deadline])
    },
  }
}
