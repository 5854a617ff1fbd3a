import { asc, count, eq } from 'drizzle-orm'
import { serverPools, servers, type CreateServerPoolInput, type DbOrTx, type ServerPool, type UpdateServerPoolInput } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { iso, isForeignKeyViolation, isUniqueViolation, kasmId } from '../ids'

const poolView = (p: ServerPool, serverCount: number) => ({
  server_pool_id: kasmId(p.id),
  server_pool_name: p.name,
  server_pool_type: p.type,
  description: p.description,
  server_count: serverCount,
  created: iso(p.createdAt),
})

function nameConflict(err: unknown): never {
  if (isUniqueViolation(err)) throw ApiError.conflict('A server pool with this name already exists', 'target_server_pool.server_pool_name')
  throw err
}

async function findPool(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ pool: serverPools, n: count(servers.id) })
    .from(serverPools)
    .leftJoin(servers, eq(servers.poolId, serverPools.id))
    .where(eq(serverPools.id, id))
    .groupBy(serverPools.id)
  if (!row) throw ApiError.notFound('Server pool', 'target_server_pool.server_pool_id')
  return poolView(row.pool, row.n)
}

export async function listServerPools(deps: Deps, caller: Caller) {
  authorize(caller, 'servers_view')
  const rows = await deps.db
    .select({ pool: serverPools, n: count(servers.id) })
    .from(serverPools)
    .leftJoin(servers, eq(servers.poolId, serverPools.id))
    .groupBy(serverPools.id)
    .orderBy(asc(serverPools.name))
  return { server_pools: rows.map((r) => poolView(r.pool, r.n)) }
}

export async function createServerPool(deps: Deps, caller: Caller, t: CreateServerPoolInput) {
  authorize(caller, 'servers_create')
  try {
    const id = await deps.db.transaction(async (tx) => {
      const [p] = await tx
        .insert(serverPools)
        .values({ name: t.server_pool_name, type: t.server_pool_type, description: t.description ?? null })
        .returning()
      await audit(tx, caller, 'create_server_pool', { type: 'server_pool', id: p!.id })
      return p!.id
    })
    return { server_pool: await findPool(deps.db, id) }
  } catch (err) {
    nameConflict(err)
  }
}

export async function updateServerPool(deps: Deps, caller: Caller, t: UpdateServerPoolInput) {
  authorize(caller, 'servers_modify')
  try {
    await deps.db.transaction(async (tx) => {
      const current = await findPool(tx, t.server_pool_id)
      // Servers assigned to users are only valid in a Server pool (Kasm's docs: Servers), so the type is fixed once used.
      if (t.server_pool_type !== undefined && t.server_pool_type !== current.server_pool_type && current.server_count > 0) {
        throw ApiError.conflict('The type of a pool that has servers cannot change', 'target_server_pool.server_pool_type')
      }
      await tx
        .update(serverPools)
        .set({
          ...(t.server_pool_name !== undefined && { name: t.server_pool_name }),
          ...(t.server_pool_type !== undefined && { type: t.server_pool_type }),
          ...(t.description !== undefined && { description: t.description }),
        })
        .where(eq(serverPools.id, t.server_pool_id))
      await audit(tx, caller, 'update_server_pool', { type: 'server_pool', id: t.server_pool_id })
    })
    return { server_pool: await findPool(deps.db, t.server_pool_id) }
  } catch (err) {
    nameConflict(err)
  }
}

export async function deleteServerPool(deps: Deps, caller: Caller, id: string) {
  authorize(caller, 'servers_delete')
  try {
    await deps.db.transaction(async (tx) => {
      const [gone] = await tx.delete(serverPools).where(eq(serverPools.id, id)).returning({ id: serverPools.id, name: serverPools.name })
      if (!gone) throw ApiError.notFound('Server pool', 'target_server_pool.server_pool_id')
      await audit(tx, caller, 'delete_server_pool', { type: 'server_pool', id: gone.id }, { name: gone.name })
    })
  } catch (err) {
    if (isForeignKeyViolation(err))
      throw ApiError.conflict('The pool still has servers or workspaces; move or delete them first', 'target_server_pool.server_pool_id')
    throw err
  }
  return {}
}
