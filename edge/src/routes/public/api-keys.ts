import { Hono } from 'hono'
import {
  CreateApiKeySchema,
  EmptyBodySchema,
  SetApiKeyPermissionsSchema,
  TargetApiKeySchema,
  UpdateApiKeySchema,
  type Permission,
} from '#schema'
import type { CallerEnv } from '../../env'
import { createApiKey, deleteApiKey, listApiKeys, setApiKeyPermissions, updateApiKey } from '../../services/api-keys/api-keys'
import { vJson } from '../../validate'

export const apiKeysApi = new Hono<CallerEnv>()
  .post('/get_api_keys', vJson(EmptyBodySchema), async (c) => c.json(await listApiKeys(c.var.deps, c.var.caller)))
  .post('/create_api_key', vJson(CreateApiKeySchema), async (c) =>
    c.json(await createApiKey(c.var.deps, c.var.caller, c.req.valid('json').target_api_key)),
  )
  .post('/update_api_key', vJson(UpdateApiKeySchema), async (c) =>
    c.json(await updateApiKey(c.var.deps, c.var.caller, c.req.valid('json').target_api_key)),
  )
  .post('/delete_api_key', vJson(TargetApiKeySchema), async (c) =>
    c.json(await deleteApiKey(c.var.deps, c.var.caller, c.req.valid('json').target_api_key.api_key_id)),
  )
  .post('/set_api_key_permissions', vJson(SetApiKeyPermissionsSchema), async (c) => {
    const b = c.req.valid('json')
    return c.json(await setApiKeyPermissions(c.var.deps, c.var.caller, b.target_api_key.api_key_id, b.target_permissions as Permission[]))
  })
