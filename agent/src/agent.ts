import type { Config } from './config'
import type { DockerPort } from './docker/docker-port'
import { createTokenVerifier, createWakeableSleep, loadIdentity, runEdgeLoop, type Logger } from '#daemon-kit'
import { createEdgeClient } from './edge-client/edge-client'
import { createGateway } from './gateway/server'
import { createAgentMetrics } from './metrics'
import { createHostFacts } from './host-facts'
import { createCrashPoint } from './sessions/crash-point'
import { createSessionManager } from './sessions/session-manager'
import { vncPassword } from './sessions/vnc-password'

export const RECONNECT_MAX_MS = 10_000

export type AgentOptions = {
  config: Config
  docker: DockerPort
  log: Logger
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
  const { sleep, wake } = createWakeableSleep(abort.signal)
  let loop: Promise<void> | undefined
  let gateway: ReturnType<typeof createGateway> | undefined

  return {
    async start(): Promise<{ agentId: string; gatewayPort: number }> {
      const { config, docker, log } = opts
      const identity = await loadIdentity(config.dataDir, 'agent')
      const edge = createEdgeClient(config.edgeUrl, identity)
      if (!identity.id) {
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
      // The port firewalls the session bridge from the host as it ensures the network (once per start).
      await docker.ensureSessionNetwork(config.sessionNetwork)
      const facts = createHostFacts(docker)
      if (config.crashPoint && !opts.kill) log.warn('ORIEL_CRASH_POINT is set but this entry point cannot kill the process; ignored')
      const crashPoint = createCrashPoint(config.crashPoint, opts.kill)
      const agentId = identity.id!
      const sessionVncPassword = (kasmId: string) => vncPassword(identity.derive, kasmId)
      const sessions = createSessionManager({
        docker,
        facts,
        agentId,
        vncPassword: sessionVncPassword,
        edge,
        network: config.sessionNetwork,
        log,
        crashPoint,
      })
      await sessions.adopt()
      const metrics = createAgentMetrics(() => sessions.snapshot())
      gateway = createGateway({
        host: config.listenHost,
        port: config.listenPort,
        verify: createTokenVerifier(identity),
        sessions,
        vncPassword: sessionVncPassword,
        onWake: () => wake(),
        docker,
        tls: config.tls,
        log,
        metrics,
        metricsToken: config.metricsToken,
      })
      const gatewayPort = await gateway.listen()
      loop = (async () => {
        await runEdgeLoop({
          signal: abort.signal,
          sleep,
          log,
          what: 'poll',
          maxRetryMs: RECONNECT_MAX_MS,
          step: async () => {
            const { info, images } = await facts.get()
            const answer = await metrics.timePoll(() =>
              edge.poll({
                resources: { cores: info.cores, memory_bytes: info.memoryBytes, gpus: info.gpus },
                images,
                sessions: sessions.snapshot(),
              }),
            )
            sessions.apply(answer.work)
            return answer.poll_after_ms
          },
        })
        await sessions.idle()
      })()
      return { agentId, gatewayPort }
    },
    /** Stops polling and the gateway; session containers keep running and are adopted at next start. */
    async close({ graceMs = 5_000 }: { graceMs?: number } = {}): Promise<void> {
      abort.abort()
      const deadline = new Promise<void>((r) => setTimeout(r, graceMs).unref())
      await Promise.race([Promise.all([loop, gateway?.close()]), deadline])
    },
  }
}
