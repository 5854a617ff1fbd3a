import { and, eq, inArray } from 'drizzle-orm'
import { connectionProxies, isUuid, kasms, type ConnectionProxy, type ProxyHeartbeat, type ProxyHeartbeatReply } from '#schema'
import type { Deps } from '../../deps'

/**
 * Records a proxy's load from its signed heartbeat (the signature check already marked it online and
 * seen), and names the sessions it holds that are no longer running (destroyed, paused, stopped,
 * expired): the proxy ends their connections (destroy_kasm "closes the connection").
 */
export async function recordHeartbeat(deps: Deps, proxy: ConnectionProxy, beat: ProxyHeartbeat): Promise<ProxyHeartbeatReply> {
  await deps.db
    .update(connectionProxies)
    .set({ connections: beat.connections, cpuPercent: beat.cpu_percent, clusterSize: beat.cluster_size })
    .where(eq(connectionProxies.id, proxy.id))
  const held = [...new Set(beat.kasms)].filter(isUuid)
  const running = held.length
    ? await deps.db
        .select({ id: kasms.id })
        .from(kasms)
        .where(and(inArray(kasms.id, held), eq(kasms.status, 'running')))
    : []
  const keep = new Set(running.map((r) => r.id))
  return { heartbeat_after_ms: proxy.pollIntervalMs, close_kasms: held.filter((id) => !keep.has(id)) }
}
