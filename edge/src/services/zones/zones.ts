import { asc, eq } from 'drizzle-orm'
import { agents, connectionProxies, servers, zones, type CreateZoneInput, type NewZone, type UpdateZoneInput, type Zone } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { iso, isForeignKeyViolation, isUniqueViolation, kasmId } from '../ids'

export const DEFAULT_ZONE = 'default'

function zoneView(z: Zone) {
  return {
    zone_id: kasmId(z.id),
    zone_name: z.name,
    description: z.description,
    load_balancing_strategy: z.loadBalancingStrategy,
    search_alternate_zones: z.searchAlternateZones,
    allow_origin_domain: z.allowOriginDomain,
    upstream_auth_address: z.upstreamAuthAddress,
    proxy_connections: z.proxyConnections,
    proxy_hostname: z.proxyHostname,
    proxy_port: z.proxyPort,
    proxy_path: z.proxyPath,
    created: iso(z.createdAt),
  }
}

const columnsOf = (t: Omit<UpdateZoneInput, 'zone_id'>): Partial<NewZone> => ({
  ...(t.zone_name !== undefined && { name: t.zone_name }),
  ...(t.description !== undefined && { description: t.description }),
  ...(t.load_balancing_strategy !== undefined && { loadBalancingStrategy: t.load_balancing_strategy }),
  ...(t.search_alternate_zones !== undefined && { searchAlternateZones: t.search_alternate_zones }),
  ...(t.allow_origin_domain !== undefined && { allowOriginDomain: t.allow_origin_domain }),
  ...(t.upstream_auth_address !== undefined && { upstreamAuthAddress: t.upstream_auth_address }),
  ...(t.proxy_connections !== undefined && { proxyConnections: t.proxy_connections }),
  ...(t.proxy_hostname !== undefined && { proxyHostname: t.proxy_hostname }),
  ...(t.proxy_port !== undefined && { proxyPort: t.proxy_port }),
  ...(t.proxy_path !== undefined && { proxyPath: t.proxy_path }),
})

function nameConflict(err: unknown): never {
  if (isUniqueViolation(err)) throw ApiError.conflict('A zone with this name already exists', 'target_zone.zone_name')
  throw err
}

async function findZone(db: Deps['db'], zoneId: string): Promise<Zone> {
  const [z] = await db.select().from(zones).where(eq(zones.id, zoneId)).limit(1)
  if (!z) throw ApiError.notFound('Zone', 'target_zone.zone_id')
  return z
}

export async function listZones(deps: Deps, caller: Caller) {
  authorize(caller, 'zones_view')
  return { zones: (await deps.db.select().from(zones).orderBy(asc(zones.name))).map(zoneView) }
}

export async function createZone(deps: Deps, caller: Caller, t: CreateZoneInput) {
  authorize(caller, 'zones_create')
  try {
    const zone = await deps.db.transaction(async (tx) => {
      const [z] = await tx
        .insert(zones)
        .values({ name: t.zone_name, ...columnsOf(t) })
        .returning()
      if (!z) throw new Error('insert returned no row')
      await audit(tx, caller, 'create_zone', { type: 'zone', id: z.id })
      return z
    })
    return { zone: zoneView(zone) }
  } catch (err) {
    nameConflict(err)
  }
}

export async function updateZone(deps: Deps, caller: Caller, t: UpdateZoneInput) {
  authorize(caller, 'zones_modify')
  try {
    const zone = await deps.db.transaction(async (tx) => {
      const current = await findZone(tx, t.zone_id)
      if (current.name === DEFAULT_ZONE && t.zone_name !== undefined && t.zone_name !== DEFAULT_ZONE) {
        throw ApiError.conflict('The default zone cannot be renamed', 'target_zone.zone_name')
      }
      const [z] = await tx.update(zones).set(columnsOf(t)).where(eq(zones.id, current.id)).returning()
      if (!z) throw ApiError.notFound('Zone', 'target_zone.zone_id')
      await audit(tx, caller, 'update_zone', { type: 'zone', id: z.id })
      return z
    })
    return { zone: zoneView(zone) }
  } catch (err) {
    nameConflict(err)
  }
}

export async function deleteZone(deps: Deps, caller: Caller, zoneId: string) {
  authorize(caller, 'zones_delete')
  await deps.db.transaction(async (tx) => {
    const z = await findZone(tx, zoneId)
    if (z.name === DEFAULT_ZONE) throw ApiError.conflict('The default zone cannot be deleted', 'target_zone.zone_id')
    const [inServers, inAgents, inProxies] = await Promise.all([
      tx.$count(servers, eq(servers.zoneId, z.id)),
      tx.$count(agents, eq(agents.zoneId, z.id)),
      tx.$count(connectionProxies, eq(connectionProxies.zoneId, z.id)),
    ])
    for (const [n, what] of [
      [inServers, 'servers'],
      [inAgents, 'agents'],
      [inProxies, 'connection proxies'],
    ] as const) {
      if (n > 0) throw ApiError.conflict(`Zone ${z.name} still has ${what}; move or delete them first`, 'target_zone.zone_id')
    }
    try {
      await tx.delete(zones).where(eq(zones.id, z.id))
    } catch (err) {
      // A server, agent or proxy added since the count above: the database keeps the zone.
      if (isForeignKeyViolation(err)) throw ApiError.conflict(`Zone ${z.name} is still in use; try again`, 'target_zone.zone_id')
      throw err
    }
    await audit(tx, caller, 'delete_zone', { type: 'zone', id: z.id }, { zone_name: z.name })
  })
  return {}
}
