import { eq } from 'drizzle-orm'
import { connectionProxies, type ConnectionProxy, type ProxyHeartbeat, type ProxyHeartbeatAnswer } from '#schema'
import type { Deps } from '../../deps'

/** Records a proxy's load from its signed heartbeat (the signature check already marked it online and seen). */
export async function recordHeartbeat(deps: Deps, proxy: ConnectionProxy, beat: ProxyHeartbeat): Promise<ProxyHeartbeatAnswer> {
  await deps.db
    .update(connectionProxies)
    .set({ connections: beat.connections, cpuPercent: beat.cpu_percent, clusterSize: beat.cluster_size })
    .where(eq(connectionProxies.id, proxy.id))
  return { heartbeat_after_ms: proxy.pollIntervalMs }
}
