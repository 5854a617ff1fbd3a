import * as v from 'valibot'
import { SERVER_POOL_TYPES } from '../../server-types'
import { body, IdSchema, NameSchema, OptionalTextSchema } from '../common'

// Envelopes only: a server's own fields are checked by serverRowSchema, which needs the database's
// zones, pools and users, so it runs in the service (and in the dashboard with the lists it has).
const Fields = v.record(v.string(), v.unknown())

export const CreateServerSchema = body({ target_server: Fields })
export const UpdateServerSchema = body({ target_server: v.objectWithRest({ server_id: IdSchema }, v.unknown()) })
export const TargetServerSchema = body({ target_server: v.object({ server_id: IdSchema }) })

/** `csv` (the file's text) or `servers` (rows as objects with the same columns): exactly one. */
export const BatchCreateServerSchema = v.pipe(
  body({
    csv: v.optional(v.string('must be the CSV file as text')),
    servers: v.optional(v.pipe(v.array(Fields, 'must be a list of servers'), v.minLength(1, 'must not be empty'))),
  }),
  v.check((b) => (b.csv === undefined) !== (b.servers === undefined), 'Give either csv or servers'),
)

const PoolType = v.picklist(SERVER_POOL_TYPES, `must be one of ${SERVER_POOL_TYPES.join(', ')}`)
export const CreateServerPoolSchema = body({
  target_server_pool: v.object({
    server_pool_name: NameSchema(255),
    server_pool_type: v.optional(PoolType, 'Server'),
    description: OptionalTextSchema(4000),
  }),
})
export const UpdateServerPoolSchema = body({
  target_server_pool: v.object({
    server_pool_id: IdSchema,
    server_pool_name: v.optional(NameSchema(255)),
    server_pool_type: v.optional(PoolType),
    description: OptionalTextSchema(4000),
  }),
})
export const TargetServerPoolSchema = body({ target_server_pool: v.object({ server_pool_id: IdSchema }) })
export type CreateServerPoolInput = v.InferOutput<typeof CreateServerPoolSchema>['target_server_pool']
export type UpdateServerPoolInput = v.InferOutput<typeof UpdateServerPoolSchema>['target_server_pool']

/** Kasm's assign_user_server / unassign_user_server: a user and one server. */
export const UserServerSchema = body({ target_user: v.object({ user_id: IdSchema }), target_server: v.object({ server_id: IdSchema }) })
