import type { JWK } from 'jose'
import type { ProxyHeartbeatReply } from '#schema'
import { createSignedEdgeClient, createWakeableSleep, loadIdentity, runEdgeLoop, type Identity, type Logger } from '#daemon-kit'
import type { Config } from './config'
import { createCpuSampler } from './load'

const RETRY_MAX_MS = 10_000

export type ConnProxyOptions = {
  config: Config
  log: Logger
  /** Live browser connections across the workers (the cluster's primary sums what they report). */
  connections: () => number
  /** The sessions those connections belong to: the heartbeat's answer names those to close. */
  kasms?: () => string[]
  /** Sessions whose connections must end now (the heartbeat's `close_kasms`: destroyed, expired). */
  onClose?: (kasmIds: string[]) => void
  /** Wraps each heartbeat's round trip (the metrics time it). */
  timeHeartbeat?: <T>(run: () => Promise<T>) => Promise<T>
}

/**
 * The proxy's primary process (Coder-style lifecycle like the agent's): `start()` enrols with the
 * zone token on first start, then sends a signed heartbeat with its load every `heartbeat_after_ms`,
 * backing off (capped) while the edge is unreachable, until `close()`. The workers serve the port.
 */
export function createConnProxy(opts: ConnProxyOptions) {
  const abort = new AbortController()
  const { sleep } = createWakeableSleep(abort.signal)
  let loop: Promise<void> | undefined

  async function enrol(identity: Identity, edge: ReturnType<typeof createSignedEdgeClient>) {
    const { config, log } = opts
    if (!config.token) throw new Error('ORIEL_PROXY_TOKEN is required for the first start (the proxy is not enrolled)')
    const enrolled = await edge.postUnsigned<{ proxy_id: string; edge_jwks: { keys: JWK[] } }>('/api/proxy/enroll', {
      token: config.token,
      public_jwk: identity.publicJwk,
      public_url: config.publicUrl,
      name: config.name,
      cluster_size: config.clusterSize,
    })
    identity.saveEnrolment(enrolled.proxy_id, enrolled.edge_jwks)
    log.info('enrolled', { proxy_id: enrolled.proxy_id })
  }

  return {
    /** Enrols if needed and starts the heartbeats; answers with the proxy's id. */
    async start(): Promise<{ proxyId: string }> {
      const { config, log } = opts
      const identity = await loadIdentity(config.dataDir, 'proxy')
      const edge = createSignedEdgeClient(config.edgeUrl, identity)
      if (!identity.id) await enrol(identity, edge)
      const cpu = createCpuSampler()
      loop = runEdgeLoop({
        signal: abort.signal,
        sleep,
        log,
        what: 'heartbeat',
        maxRetryMs: RETRY_MAX_MS,
        step: async () => {
          const beat = {
            connections: opts.connections(),
            cpu_percent: cpu(),
            cluster_size: config.clusterSize,
            kasms: opts.kasms?.() ?? [],
          }
          const send = () => edge.post<ProxyHeartbeatReply>('/api/proxy/heartbeat', beat)
          const reply = await (opts.timeHeartbeat ? opts.timeHeartbeat(send) : send())
          // An edge older than close_kasms answers without it.
          if (reply.close_kasms?.length) opts.onClose?.(reply.close_kasms)
          return reply.heartbeat_after_ms
        },
      })
      return { proxyId: identity.id! }
    },
    /** Stops the heartbeats. */
    async close(): Promise<void> {
      abort.abort()
      await loop
    },
  }
}
