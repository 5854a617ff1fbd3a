import { Hono } from 'hono'
import { EmptyBodySchema, TargetConnectionProxySchema, UpdateConnectionProxySchema } from '#schema'
import type { CallerEnv } from '../../env'
import { deleteConnectionProxy, listConnectionProxies, updateConnectionProxy } from '../../services/proxies/admin'
import { vJson } from '../../validate'

/** Admins' verbs for connection proxies (connection_proxies_* permissions). */
export const proxiesApi = new Hono<CallerEnv>()
  .post('/get_connection_proxies', vJson(EmptyBodySchema), async (c) => c.json(await listConnectionProxies(c.var.deps, c.var.caller)))
  .post('/update_connection_proxy', vJson(UpdateConnectionProxySchema), async (c) =>
    c.json(await updateConnectionProxy(c.var.deps, c.var.caller, c.req.valid('json').target_connection_proxy)),
  )
  .post('/delete_connection_proxy', vJson(TargetConnectionProxySchema), async (c) =>
    c.json(await deleteConnectionProxy(c.var.deps, c.var.caller, c.req.valid('json').target_connection_proxy.connection_proxy_id)),
  )
