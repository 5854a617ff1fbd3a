// What the servers pages read from /api/public, and the context the shared row rules need.
import type { ServerRowContext, ServerPoolType } from '#schema/contracts'
import { api } from '../../../api'

/** A server as get_servers shows it: secrets only as "is one set". */
export type ServerView = {
  server_id: string
  name: string
  enabled: boolean
  zone_id: string
  zone_name: string
  pool_id: string | null
  pool_name: string | null
  assigned_user_id: string | null
  assigned_username: string | null
  windows_service_installed: boolean
  connection_type: string
  connection_credential_type: string
  ip_hostname: string
  port: number
  sso_username_domain: string | null
  connection_username: string | null
  connection_password_set: boolean
  private_key_set: boolean
  passphrase_set: boolean
  use_user_private_key: boolean
  connection_info: Record<string, unknown> | null
  max_simultaneous_sessions: number
  max_simultaneous_users: number
  labels: string[]
  created: string
}
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

/** The edge shows ids without dashes (Kasm's form); the row rules key pools by the dashed form. */
export const dashedId = (id: string) => {
  const h = id.replaceAll('-', '').toLowerCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

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
