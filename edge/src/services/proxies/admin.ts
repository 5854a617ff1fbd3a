import { asc, eq } from 'drizzle-orm'
import { connectionProxies, type ConnectionProxy, type UpdateConnectionProxyInput } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { iso, kasmId } from '../ids'
import { memberEndpoint } from '../fleet/endpoint'

/** A proxy as admins see it, under Kasm's connection_proxies field names. */
function proxyView(p: ConnectionProxy) {
  const { hostname, port } = memberEndpoint(p.publicUrl)
  return {
    connection_proxy_id: kasmId(p.id),
    connection_proxy_type: p.connectionProxyType,
    zone_id: kasmId(p.zoneId),
    name: p.name,
    server_address: hostname,
    server_port: port,
    public_url: p.publicUrl,
    status: p.status,
    enabled: p.enabled,
    draining: p.draining,
    cluster_size: p.clusterSize,
    connections: p.connections,
    cpu_percent: p.cpuPercent,
    first_reported: iso(p.createdAt),
    last_reported: iso(p.lastSeenAt),
    version: p.version,
  }
}

export async function listConnectionProxies(deps: Deps, caller: Caller) {
  authorize(caller, 'connection_proxies_view')
  const rows = await deps.db.select().from(connectionProxies).orderBy(asc(connectionProxies.name))
  return { connection_proxies: rows.map(proxyView) }
}

/** Enables or disables a proxy, or drains it (it keeps its connections and is offered no new ones). */
export async function updateConnectionProxy(deps: Deps, caller: Caller, t: UpdateConnectionProxyInput) {
  authorize(caller, 'connection_proxies_modify')
  const [p] = await deps.db
    .update(connectionProxies)
    .set({
      ...(t.enabled !== undefined && { enabled: t.enabled }),
      ...(t.draining !== undefined && { draining: t.draining }),
    })
    .where(eq(connectionProxies.id, t.connection_proxy_id))
    .returning()
  if (!p) throw ApiError.notFound('Connection proxy', 'target_connection_proxy.connection_proxy_id')
  await audit(deps.db, caller, 'update_connection_proxy', { type: 'connection_proxy', id: p.id })
  return { connection_proxy: proxyView(p) }
}

/** Forgets a proxy: its key stops working at once, and it must enrol again with a new token. */
export async function deleteConnectionProxy(deps: Deps, caller: Caller, proxyId: string) {
  authorize(caller, 'connection_proxies_delete')
  await deps.db.transaction(async (tx) => {
    const [p] = await tx.delete(connectionProxies).where(eq(connectionProxies.id, proxyId)).returning()
    if (!p) throw ApiError.notFound('Connection proxy', 'target_connection_proxy.connection_proxy_id')
    await audit(tx, caller, 'delete_connection_proxy', { type: 'connection_proxy', id: p.id }, { name: p.name })
  })
  return {}
}
