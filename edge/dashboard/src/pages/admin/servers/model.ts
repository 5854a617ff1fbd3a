// What the servers pages read from /api/public, and the context the shared row rules need.
// The edge shows ids without dashes (Kasm's form); the row rules key pools by the dashed form.
import { dashedId, type ServerRowContext, type ServerPoolType, type ServerView } from '#schema/contracts'
import { api } from '../../../api'

/** A server as get_servers shows it (the edge's own view type). */
export type { ServerView }

export type ServerPool = {
  server_pool_id: string
  server_pool_name: string
  server_pool_type: ServerPoolType
  description: string | null
  server_count: number
  created: string
}
export type Zone = { zone_id: string; zone_name: string }
type UserRef = { user_id: string; username: string }

/** The page's reference lists; a list is null when the caller may not read it (zones_view, users_view). */
export type Refs = { zones: Zone[] | null; pools: ServerPool[]; users: UserRef[] | null }

/**
 * The lookups serverRowSchema checks references against. A list the caller may not read is
 * unknown, so what was typed is taken as existing and the edge has the last word on it.
 */
export function rowContext(refs: Refs, typed: { zone_name: string; assigned_username: string }): ServerRowContext {
  const users = refs.users
    ? new Map(refs.users.map((u) => [u.username.toLowerCase(), u.user_id]))
    : new Map(typed.assigned_username ? [[typed.assigned_username.toLowerCase(), '']] : [])
  return {
    zones: refs.zones ? new Map(refs.zones.map((z) => [z.zone_name, z.zone_id])) : new Map([[typed.zone_name, '']]),
    pools: new Map(refs.pools.map((p) => [dashedId(p.server_pool_id), { type: p.server_pool_type }])),
    users,
  }
}

/** Pools, and zones and users when permitted, fetched together. */
export async function loadRefs(): Promise<Refs> {
  const [z, p, u] = await Promise.all([
    api<{ zones: Zone[] }>('get_zones').catch(() => null),
    api<{ server_pools: ServerPool[] }>('get_server_pools'),
    api<{ users: UserRef[] }>('get_users').catch(() => null),
  ])
  return { zones: z?.zones ?? null, pools: p.server_pools, users: u?.users ?? null }
}
