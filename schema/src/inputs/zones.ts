import * as v from 'valibot'
import { body, IdSchema, NameSchema, OptionalTextSchema } from './common'

const ZoneFieldsSchema = {
  description: OptionalTextSchema(4000),
  load_balancing_strategy: v.optional(v.picklist(['least_load', 'most_load'], 'must be least_load or most_load')),
  search_alternate_zones: v.optional(v.boolean()),
  allow_origin_domain: OptionalTextSchema(255),
  upstream_auth_address: OptionalTextSchema(255),
  proxy_connections: v.optional(v.boolean()),
  proxy_hostname: OptionalTextSchema(255),
  proxy_port: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535)))),
  proxy_path: OptionalTextSchema(255),
}
export const CreateZoneSchema = body({ target_zone: v.object({ zone_name: NameSchema(255), ...ZoneFieldsSchema }) })
export const UpdateZoneSchema = body({
  target_zone: v.object({ zone_id: IdSchema, zone_name: v.optional(NameSchema(255)), ...ZoneFieldsSchema }),
})
export const TargetZoneSchema = body({ target_zone: v.object({ zone_id: IdSchema }) })

export type CreateZoneInput = v.InferOutput<typeof CreateZoneSchema>['target_zone']
export type UpdateZoneInput = v.InferOutput<typeof UpdateZoneSchema>['target_zone']
