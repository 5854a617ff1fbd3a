import { Hono } from 'hono'
import { CreateZoneSchema, EmptyBodySchema, TargetZoneSchema, UpdateZoneSchema } from '#schema'
import type { CallerEnv } from '../../env'
import { createZone, deleteZone, listZones, updateZone } from '../../services/zones/zones'
import { vJson } from '../../validate'

export const zonesApi = new Hono<CallerEnv>()
  .post('/get_zones', vJson(EmptyBodySchema), async (c) => c.json(await listZones(c.var.deps, c.var.caller)))
  .post('/create_zone', vJson(CreateZoneSchema), async (c) =>
    c.json(await createZone(c.var.deps, c.var.caller, c.req.valid('json').target_zone)),
  )
  .post('/update_zone', vJson(UpdateZoneSchema), async (c) =>
    c.json(await updateZone(c.var.deps, c.var.caller, c.req.valid('json').target_zone)),
  )
  .post('/delete_zone', vJson(TargetZoneSchema), async (c) =>
    c.json(await deleteZone(c.var.deps, c.var.caller, c.req.valid('json').target_zone.zone_id)),
  )
