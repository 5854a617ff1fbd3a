import { eq, inArray, sql, type SQL } from 'drizzle-orm'
import { agents, groups, kasms, servers, userGroups, users, type DbOrTx, type User } from '#schema'
import { memberEndpoint } from '../fleet/endpoint'
import { can, type Caller } from '../auth/caller'
import { accountFailuresSql } from '../auth/throttle'
import { iso, kasmId } from '../ids'
import { EXISTING } from '../kasms/states'

/** A live session as Kasm lists it under a user (`get_user`'s `kasms`). */
export type UserKasm = {
  kasm_id: string
  image_id: string
  operational_status: string
  start_date: string | null
  keepalive_date: string | null
  expiration_date: string | null
  server: { server_id: string | null; hostname: string | null; port: number | null }
}
/** What a user view adds to the user's row: sessions, servers, and the account's recent failed sign-ins from any address. */
export type UserExtras = { kasms: UserKasm[]; assignedServers: string[]; failedPwAttempts: number }
const NO_EXTRAS: UserExtras = { kasms: [], assignedServers: [], failedPwAttempts: 0 }

/** A user as Kasm's API shows one. Never includes the password hash. */
export function userView(u: User, memberOf: { name: string; groupId: string }[], extras: UserExtras = NO_EXTRAS) {
  return {
    user_id: kasmId(u.id),
    username: u.username,
    first_name: u.firstName,
    last_name: u.lastName,
    phone: u.phone,
    organization: u.organization,
    email: u.email,
    city: u.city,
    state: u.state,
    country: u.country,
    notes: u.notes,
    realm: u.realm,
    anonymous: u.anonymous,
    locked: u.locked,
    disabled: u.disabled,
    failed_pw_attempts: extras.failedPwAttempts,
    last_session: iso(u.lastSession),
    password_set_date: iso(u.passwordSetAt),
    created: iso(u.createdAt),
    // Oriel has no second factor yet, and no Kasm "programs": these say so rather than being left out.
    two_factor: false,
    program_id: null,
    groups: memberOf.map((g) => ({ name: g.name, group_id: kasmId(g.groupId) })),
    kasms: extras.kasms,
    assigned_servers: extras.assignedServers,
  }
}
export type UserView = ReturnType<typeof userView>

/**
 * The view as `caller` may see it: `assigned_servers` names servers, which Kasm shows only to holders
 * of servers_view (and a user may see their own).
 */
export function visibleTo(caller: Caller) {
  return (view: UserView): Omit<UserView, 'assigned_servers'> & { assigned_servers?: string[] } => {
    if (can(caller, 'servers_view') || (caller.kind === 'user' && caller.userId !== null && kasmId(caller.userId) === view.user_id))
      return view
    const { assigned_servers: _, ...rest } = view
    return rest
  }
}

/** A live session's row as the SQL below gives it (JSON: times as text). */
type KasmRow = {
  id: string
  image_id: string
  status: string
  started_at: string | null
  keepalive_at: string | null
  expires_at: string | null
  agent_id: string | null
  public_url: string | null
  server_id: string | null
  server_host: string | null
  server_port: number | null
}

/** SQL for one user's sessions the API still shows (EXISTING) as JSON rows; `userId` is the outer query's user id column. */
const liveKasmsJson = (userId: SQL) => sql<KasmRow[]>`coalesce((select json_agg(json_build_object('id', k.id, 'image_id', k.image_id,
  'status', k.status, 'started_at', k.started_at, 'keepalive_at', k.keepalive_at, 'expires_at', k.expires_at, 'agent_id', k.agent_id,
  'public_url', a.public_url, 'server_id', k.server_id, 'server_host', s.host, 'server_port', s.port) order by k.created_at)
  from ${kasms} k left join ${agents} a on a.id = k.agent_id left join ${servers} s on s.id = k.server_id where k.user_id = ${userId} and k.status in ${[...EXISTING]}), '[]')`

/** SQL for the ids of the servers assigned to one user, as a JSON list. */
const assignedServersJson = (userId: SQL) =>
  sql<string[]>`coalesce((select json_agg(s.id order by s.name) from ${servers} s where s.assigned_user_id = ${userId}), '[]')`

/** `users.id` written out in full: with one table in FROM drizzle leaves a column unqualified, which
 * inside the subqueries above would mean the subquery's own `id`. */
export const OUTER_USER_ID = sql`${sql.identifier('users')}.${sql.identifier('id')}`

/** `users.username` written out in full, for the same reason. */
const OUTER_USERNAME = sql`${sql.identifier('users')}.${sql.identifier('username')}`

/** The columns a user query adds so `extrasFrom` can make the view's extras (one round trip with the user). */
export const extrasColumns = () => ({
  kasms: liveKasmsJson(OUTER_USER_ID),
  assignedServers: assignedServersJson(OUTER_USER_ID),
  failedPwAttempts: accountFailuresSql(OUTER_USERNAME),
})

/** The view's extras from the columns of `extrasColumns`. */
export function extrasFrom(row: { kasms: KasmRow[]; assignedServers: string[]; failedPwAttempts: number }): UserExtras {
  return {
    kasms: row.kasms.map(userKasm),
    assignedServers: row.assignedServers.map(kasmId),
    failedPwAttempts: Number(row.failedPwAttempts),
  }
}

const isoText = (t: string | null) => (t === null ? null : new Date(t).toISOString())

/** The server is the agent that runs the session, named by its public host and port; for a fixed server's session, that server. */
function userKasm(k: KasmRow): UserKasm {
  const at = k.public_url ? memberEndpoint(k.public_url) : null
  return {
    kasm_id: kasmId(k.id),
    image_id: kasmId(k.image_id),
    operational_status: k.status,
    start_date: isoText(k.started_at),
    keepalive_date: isoText(k.keepalive_at),
    expiration_date: isoText(k.expires_at),
    server: k.server_id
      ? { server_id: kasmId(k.server_id), hostname: k.server_host, port: k.server_port }
      : { server_id: k.agent_id ? kasmId(k.agent_id) : null, hostname: at?.hostname ?? null, port: at?.port ?? null },
  }
}

/** Group memberships of these users, by user id, in priority order. */
export async function membershipsOf(db: DbOrTx, userIds: string[]) {
  const byUser = new Map<string, { name: string; groupId: string }[]>()
  if (userIds.length === 0) return byUser
  const rows = await db
    .select({ userId: userGroups.userId, groupId: groups.id, name: groups.name })
    .from(userGroups)
    .innerJoin(groups, eq(groups.id, userGroups.groupId))
    .where(inArray(userGroups.userId, userIds))
    .orderBy(groups.priority)
  for (const r of rows) {
    const list = byUser.get(r.userId) ?? []
    list.push({ name: r.name, groupId: r.groupId })
    byUser.set(r.userId, list)
  }
  return byUser
}

/** The extras of these users, by user id, in one query. */
export async function extrasOf(db: DbOrTx, userIds: string[]): Promise<Map<string, UserExtras>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .select({ id: users.id, ...extrasColumns() })
    .from(users)
    .where(inArray(users.id, userIds))
  return new Map(rows.map((r) => [r.id, extrasFrom(r)]))
}

export async function viewOf(db: DbOrTx, u: User): Promise<UserView> {
  const [memberships, extras] = await Promise.all([membershipsOf(db, [u.id]), extrasOf(db, [u.id])])
  return userView(u, memberships.get(u.id) ?? [], extras.get(u.id))
}
