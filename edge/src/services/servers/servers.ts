import { eq, sql } from 'drizzle-orm'
import { SERVER_FIELD_LIST, SERVER_REFS, servers, users, viewJson, zones, type DbOrTx, type Server } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { audit } from '../audit'
import { authorize, type Caller } from '../auth/caller'
import { isForeignKeyViolation, kasmId } from '../ids'
import { decryptSecret } from '../secrets'
import { loadServerRefs } from './context'
import { validateOne } from './rows'
import { encryptSecrets } from '../secrets'
import { columnKey, insertServerTuples, rowSecrets, serverTuple, tupleColumns } from './store'
import { RawJson } from '../../raw-json'
import { SERVER_JOINS, SERVER_VIEW_SQL } from './view'

const withNames = (db: DbOrTx) =>
  db
    .select({ server: servers, zoneName: zones.name, username: users.username })
    .from(servers)
    .innerJoin(zones, eq(zones.id, servers.zoneId))
    .leftJoin(users, eq(users.id, servers.assignedUserId))

async function findServer(db: DbOrTx, id: string) {
  const [row] = await withNames(db).where(eq(servers.id, id)).limit(1)
  if (!row) throw ApiError.notFound('Server', 'target_server.server_id')
  return row
}

const LIST = sql.raw(
  `select coalesce(json_agg(${SERVER_VIEW_SQL} order by s.name, s.id), '[]')::text as json from servers s ${SERVER_JOINS}`,
)
const ONE = sql.raw(`select ${SERVER_VIEW_SQL}::text as json from servers s ${SERVER_JOINS} where s.id = `)

export async function listServers(deps: Deps, caller: Caller) {
  authorize(caller, 'servers_view')
  return new RawJson((await viewJson(deps.db, LIST)) ?? '[]')
}

export async function getServer(deps: Deps, caller: Caller, id: string) {
  authorize(caller, 'servers_view')
  const text = await viewJson(deps.db, sql`${ONE}${id}`)
  if (!text) throw ApiError.notFound('Server', 'target_server.server_id')
  return new RawJson(text)
}

export async function createServer(deps: Deps, caller: Caller, raw: Record<string, unknown>) {
  authorize(caller, 'servers_create')
  const refs = await loadServerRefs(deps.db, [raw])
  const row = await validateOne(raw, refs)
  const id = crypto.randomUUID()
  const tuple = serverTuple(row, id, refs, await encryptSecrets(deps.config.secretKeys, rowSecrets(row)))
  await deps.db.transaction(async (tx) => {
    await insertServerTuples(tx, JSON.stringify([tuple]), deps.clock.now().toISOString())
    await audit(tx, caller, 'create_server', { type: 'server', id })
  })
  return getServer(deps, caller, id)
}

/** The stored server as input columns (secrets decrypted), so a partial update is checked whole. */
async function asInput(deps: Deps, s: Server, names: { zoneName: string; username: string | null }) {
  const open = (blob: string | null) => (blob === null ? null : decryptSecret(deps.config.secretKeys, blob))
  // A reference the input names by the other row's name (a zone, a user) comes from the join.
  const byName: Record<string, string | null> = { [SERVER_REFS.zone.name]: names.zoneName, [SERVER_REFS.user.name]: names.username }
  const input: Record<string, unknown> = {}
  for (const [name, f] of SERVER_FIELD_LIST) {
    const stored = s[columnKey(f.column) as keyof Server]
    input[name] = f.secret ? await open(stored as string | null) : name in byName ? byName[name] : stored
  }
  return input
}

export async function updateServer(deps: Deps, caller: Caller, patch: { server_id: string } & Record<string, unknown>) {
  authorize(caller, 'servers_modify')
  const { server_id, ...changes } = patch
  const current = await findServer(deps.db, server_id)
  const raw = { ...(await asInput(deps, current.server, current)), ...changes }
  const refs = await loadServerRefs(deps.db, [raw])
  const row = await validateOne(raw, refs)
  const { id: _id, ...columns } = tupleColumns(
    serverTuple(row, current.server.id, refs, await encryptSecrets(deps.config.secretKeys, rowSecrets(row))),
  )
  await deps.db.transaction(async (tx) => {
    const updated = await tx
      .update(servers)
      .set({ ...columns, updatedAt: deps.clock.now() })
      .where(eq(servers.id, current.server.id))
      .returning({ id: servers.id })
    if (updated.length === 0) throw ApiError.notFound('Server', 'target_server.server_id')
    await audit(tx, caller, 'update_server', { type: 'server', id: current.server.id }, { fields: Object.keys(changes) })
  })
  return getServer(deps, caller, current.server.id)
}

export async function deleteServer(deps: Deps, caller: Caller, id: string) {
  authorize(caller, 'servers_delete')
  try {
    await deps.db.transaction(async (tx) => {
      const [gone] = await tx.delete(servers).where(eq(servers.id, id)).returning({ id: servers.id, name: servers.name })
      if (!gone) throw ApiError.notFound('Server', 'target_server.server_id')
      await audit(tx, caller, 'delete_server', { type: 'server', id: gone.id }, { name: gone.name })
    })
  } catch (err) {
    if (isForeignKeyViolation(err))
      throw ApiError.conflict(
        `Server ${kasmId(id)} is used by a workspace; change or delete the workspace first`,
        'target_server.server_id',
      )
    throw err
  }
  return {}
}
