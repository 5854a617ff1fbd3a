import { Hono } from 'hono'
import type { AppEnv } from '../../env'
import { checkRequestBody } from '../../middleware/body-check'
import { applyReports, pollAgent } from '../../services/agents/poll'
import { edgeJwks } from '../../services/fleet/edge-key'
import { enrollAgent } from '../../services/fleet/enroll'
import { applyExecResults } from '../../services/kasms/exec'
import { applyScreenshot } from '../../services/kasms/screenshot'
import { EnrollSchema, PollSchema, ReportSchema, ScreenshotResultSchema } from '#schema'
import { vJson } from '../../validate'
import { signedBody } from '../signed-body'

/** The agent protocol (docs/protocol.md): agents enrol once, then every call is signed with their own key. */
export const agentApi = new Hono<AppEnv>()
  .use(checkRequestBody())
  .post('/enroll', vJson(EnrollSchema), async (c) => c.json(await enrollAgent(c.var.deps, c.req.valid('json'))))
  .get('/jwks', async (c) => c.json(await edgeJwks(c.var.deps.config.signingKey)))
  .post('/poll', async (c) => {
    const { member: agent, body } = await signedBody(c, 'agent', PollSchema)
    return c.json(await pollAgent(c.var.deps, agent, body))
  })
  .post('/screenshot', async (c) => {
    const { member: agent, body } = await signedBody(c, 'agent', ScreenshotResultSchema)
    await applyScreenshot(c.var.deps.db, agent, body)
    return c.json({})
  })
  .post('/report', async (c) => {
    const { member: agent, body } = await signedBody(c, 'agent', ReportSchema)
    await applyReports(c.var.deps, agent, body.sessions)
    await applyExecResults(c.var.deps.db, agent, body.execs)
    return c.json({})
  })
