import { eq } from 'drizzle-orm'
import { servers } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { authorize, type Caller } from '../auth/caller'
import { authorizeAgainstAdmin, findUser } from '../users/lookup'
import { updateServer } from './servers'

/** A server's assigned user (Kasm's docs: Servers: one per server), or 404 for an unknown server. */
async function assignedUserOf(deps: Deps, serverId: string): Promise<string | null> {
  const [s] = await deps.db.select({ userId: servers.assignedUserId }).from(servers).where(eq(servers.id, serverId)).limit(1)
  if (!s) throw ApiError.notFound('Server', 'target_server.server_id')
  return s.userId
}

/** Who may change a user's assigned servers: Kasm asks for Servers Modify and Users Modify (and Modify Admin for an admin). */
async function authorizeAssignment(deps: Deps, caller: Caller, userId: string) {
  authorize(caller, 'servers_modify')
  authorize(caller, 'users_modify')
  const user = await findUser(deps.db, userId)
  await authorizeAgainstAdmin(deps.db, caller, user)
  return user
}

/**
 * Kasm's assign_user_server: makes the user the server's assigned user, through update_server so
 * the seed's rules hold (only servers of a Server-type pool take one). A server already assigned to
 * someone else is kept as it is (409): unassign it first.
 */
export async function assignUserServer(deps: Deps, caller: Caller, userId: string, serverId: string) {
  const user = await authorizeAssignment(deps, caller, userId)
  const current = await assignedUserOf(deps, serverId)
  if (current !== null && current !== user.id)
    throw ApiError.conflict('The server is assigned to another user; unassign it first', 'target_server.server_id')
  return updateServer(deps, caller, { server_id: serverId, assigned_username: user.username })
}

/** Kasm's unassign_user_server: the server keeps no assigned user; 409 when it is not this user's. */
export async function unassignUserServer(deps: Deps, caller: Caller, userId: string, serverId: string) {
  const user = await authorizeAssignment(deps, caller, userId)
  if ((await assignedUserOf(deps, serverId)) !== user.id)
    throw ApiError.conflict('The server is not assigned to this user', 'target_server.server_id')
  return updateServer(deps, caller, { server_id: serverId, assigned_username: null })
}
