import { Hono } from 'hono'
import {
  CreateRegistrationTokenSchema,
  EmptyBodySchema,
  TargetAgentSchema,
  TargetRegistrationTokenSchema,
  UpdateAgentSchema,
} from '#schema'
import type { CallerEnv } from '../../env'
import { deleteAgent, listAgents, updateAgent } from '../../services/agents/admin'
import { createRegistrationToken, listRegistrationTokens, revokeRegistrationToken } from '../../services/fleet/registration'
import { vJson } from '../../validate'

export const agentsApi = new Hono<CallerEnv>()
  .post('/get_agents', vJson(EmptyBodySchema), async (c) => c.json(await listAgents(c.var.deps, c.var.caller)))
  .post('/update_agent', vJson(UpdateAgentSchema), async (c) =>
    c.json(await updateAgent(c.var.deps, c.var.caller, c.req.valid('json').target_agent)),
  )
  .post('/delete_agent', vJson(TargetAgentSchema), async (c) => {
    const b = c.req.valid('json')
    return c.json(await deleteAgent(c.var.deps, c.var.caller, b.target_agent.agent_id, b.force))
  })
  .post('/create_registration_token', vJson(CreateRegistrationTokenSchema), async (c) =>
    c.json(await createRegistrationToken(c.var.deps, c.var.caller, c.req.valid('json').target_registration_token)),
  )
  .post('/get_registration_tokens', vJson(EmptyBodySchema), async (c) => c.json(await listRegistrationTokens(c.var.deps, c.var.caller)))
  .post('/revoke_registration_token', vJson(TargetRegistrationTokenSchema), async (c) =>
    c.json(await revokeRegistrationToken(c.var.deps, c.var.caller, c.req.valid('json').target_registration_token.registration_token_id)),
  )
