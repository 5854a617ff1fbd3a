import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import {
  BatchCreateServerSchema,
  CreateServerPoolSchema,
  CreateServerSchema,
  EmptyBodySchema,
  TargetServerPoolSchema,
  TargetServerSchema,
  UpdateServerPoolSchema,
  UpdateServerSchema,
  UserServerSchema,
} from '#schema'
import type { CallerEnv } from '../../env'
import { ApiError } from '../../errors'
import { rawJsonBody, type RawJson } from '../../raw-json'
import { assignUserServer, unassignUserServer } from '../../services/servers/assignment'
import { batchCreateServers, batchFailureJson, type BatchInput } from '../../services/servers/import'
import { createServerPool, deleteServerPool, listServerPools, updateServerPool } from '../../services/servers/pools'
import { createServer, deleteServer, getServer, listServers, updateServer } from '../../services/servers/servers'
import { decodeCsvBytes, refuseReplacementChars } from '../../services/servers/utf8'
import { invalidInput, vJson } from '../../validate'

/** Views Postgres built as JSON text, sent on as they are. */
const json = (c: Context<CallerEnv>, key: string, raw: RawJson) =>
  c.body(rawJsonBody(key, raw), 200, { 'Content-Type': 'application/json' })

/** The import's body: JSON (`csv` or `servers`), or the file itself as text/csv so its bytes are checked. */
async function batchInput(c: Context<CallerEnv>): Promise<BatchInput> {
  if (c.req.header('Content-Type')?.toLowerCase().startsWith('text/csv')) {
    return { csv: decodeCsvBytes(new Uint8Array(await c.req.arrayBuffer())) }
  }
  const parsed = v.safeParse(
    BatchCreateServerSchema,
    await c.req.json().catch(() => {
      throw ApiError.invalid('Malformed JSON in request body')
    }),
  )
  if (!parsed.success) throw invalidInput(parsed.issues)
  if (parsed.output.csv !== undefined) {
    refuseReplacementChars(parsed.output.csv)
    return { csv: parsed.output.csv }
  }
  return { servers: parsed.output.servers! }
}

export const serversApi = new Hono<CallerEnv>()
  .post('/assign_user_server', vJson(UserServerSchema), async (c) => {
    const { target_user, target_server } = c.req.valid('json')
    return json(c, 'server', await assignUserServer(c.var.deps, c.var.caller, target_user.user_id, target_server.server_id))
  })
  .post('/unassign_user_server', vJson(UserServerSchema), async (c) => {
    const { target_user, target_server } = c.req.valid('json')
    return json(c, 'server', await unassignUserServer(c.var.deps, c.var.caller, target_user.user_id, target_server.server_id))
  })
  .post('/get_servers', vJson(EmptyBodySchema), async (c) => json(c, 'servers', await listServers(c.var.deps, c.var.caller)))
  .post('/get_server', vJson(TargetServerSchema), async (c) =>
    json(c, 'server', await getServer(c.var.deps, c.var.caller, c.req.valid('json').target_server.server_id)),
  )
  .post('/create_server', vJson(CreateServerSchema), async (c) =>
    json(c, 'server', await createServer(c.var.deps, c.var.caller, c.req.valid('json').target_server)),
  )
  .post('/update_server', vJson(UpdateServerSchema), async (c) =>
    json(c, 'server', await updateServer(c.var.deps, c.var.caller, c.req.valid('json').target_server)),
  )
  .post('/delete_server', vJson(TargetServerSchema), async (c) =>
    c.json(await deleteServer(c.var.deps, c.var.caller, c.req.valid('json').target_server.server_id)),
  )
  .post('/batch_create_server', async (c) => {
    const result = await batchCreateServers(c.var.deps, c.var.caller, await batchInput(c))
    if (result.ok) return json(c, 'servers', result.servers)
    return c.body(batchFailureJson(result, c.var.requestId), 400, { 'Content-Type': 'application/json' })
  })
  .post('/get_server_pools', vJson(EmptyBodySchema), async (c) => c.json(await listServerPools(c.var.deps, c.var.caller)))
  .post('/create_server_pool', vJson(CreateServerPoolSchema), async (c) =>
    c.json(await createServerPool(c.var.deps, c.var.caller, c.req.valid('json').target_server_pool)),
  )
  .post('/update_server_pool', vJson(UpdateServerPoolSchema), async (c) =>
    c.json(await updateServerPool(c.var.deps, c.var.caller, c.req.valid('json').target_server_pool)),
  )
  .post('/delete_server_pool', vJson(TargetServerPoolSchema), async (c) =>
    c.json(await deleteServerPool(c.var.deps, c.var.caller, c.req.valid('json').target_server_pool.server_pool_id)),
  )
