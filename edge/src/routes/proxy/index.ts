import { Hono } from 'hono'
import { ProxyConnectSchema, ProxyEnrollSchema, ProxyHeartbeatSchema } from '#schema'
import type { AppEnv } from '../../env'
import { checkRequestBody } from '../../middleware/body-check'
import { edgeJwks } from '../../services/fleet/edge-key'
import { enrollProxy } from '../../services/fleet/enroll'
import { redeemConnectToken } from '../../services/kasms/server-connect'
import { recordHeartbeat } from '../../services/proxies/heartbeat'
import { vJson } from '../../validate'
import { signedBody } from '../signed-body'

/** The connection proxy's side of the protocol (docs/protocol.md): enrol once, then signed heartbeats and connect-token redemptions. */
export const proxyApi = new Hono<AppEnv>()
  .use(checkRequestBody())
  .post('/enroll', vJson(ProxyEnrollSchema), async (c) => c.json(await enrollProxy(c.var.deps, c.req.valid('json'))))
  .get('/jwks', async (c) => c.json(await edgeJwks(c.var.deps.config.signingKey)))
  .post('/heartbeat', async (c) => {
    const { member: proxy, body } = await signedBody(c, 'proxy', ProxyHeartbeatSchema)
    return c.json(await recordHeartbeat(c.var.deps, proxy, body))
  })
  .post('/connect', async (c) => {
    const { member: proxy, body } = await signedBody(c, 'proxy', ProxyConnectSchema, { ordered: false })
    return c.json(await redeemConnectToken(c.var.deps, proxy, body.token))
  })
