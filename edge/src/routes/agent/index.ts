import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import type { AppEnv } from '../../env'
import { checkRequestBody } from '../../middleware/body-check'
import { ApiError } from '../../errors'
import { edgeJwks } from '../../services/agents/edge-key'
import { enrollAgent } from '../../services/agents/enroll'
import { applyReports, pollAgent } from '../../services/agents/poll'
import { applyExecResults } from '../../services/kasms/exec'
import { applyScreenshot } from '../../services/kasms/screenshot'
import { EnrollSchema, PollSchema, ReportSchema, ScreenshotResultSchema } from '#schema'
import { verifySignedRequest } from '../../services/agents/signed-request'
import { invalidInput, vJson } from '../../validate'

/** Verifies the signature over the exact bytes received, then parses them. */
async function signedBody<S extends v.GenericSchema>(c: Context<AppEnv>, schema: S) {
  const raw = await c.req.text()
  const agent = await verifySignedRequest(c.var.deps, {
    method: c.req.method,
    path: c.req.path,
    body: raw,
    authorization: c.req.header('Authorization'),
  })
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw ApiError.invalid('Malformed JSON in request body')
  }
  const parsed = v.safeParse(schema, json)
  if (!parsed.success) throw invalidInput(parsed.issues)
  return { agent, body: parsed.output as v.InferOutput<S> }
}

/** The agent protocol (docs/protocol.md): agents enrol once, then every call is signed with their own key. */
export const agentApi = new Hono<AppEnv>()
  .use(checkRequestBody())
  .post('/enroll', vJson(EnrollSchema), async (c) => c.json(await enrollAgent(c.var.deps, c.req.valid('json'))))
  .get('/jwks', async (c) => c.json(await edgeJwks(c.var.deps.config.signingKey)))
  .post('/poll', async (c) => {
    const { agent, body } = await signedBody(c, PollSchema)
    return c.json(await pollAgent(c.var.deps, agent, body))
  })
  .post('/screenshot', async (c) => {
    const { agent, body } = await signedBody(c, ScreenshotResultSchema)
    await applyScreenshot(c.var.deps.db, agent, body)
    return c.json({})
  })
  .post('/report', async (c) => {
    const { agent, body } = await signedBody(c, ReportSchema)
    await applyReports(c.var.deps, agent, body.sessions)
    await applyExecResults(c.var.deps.db, agent, body.execs)
    return c.json({})
  })
