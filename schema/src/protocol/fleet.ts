import * as v from 'valibot'

/**
 * What every daemon sends to enrol (docs/protocol.md#enrolment), whatever its kind: the zone's
 * registration token, its own Ed25519 public key, where browsers reach it, its name and version.
 * Each kind's enrolment schema adds its own fields to these.
 */
export const FLEET_ENROLL_ENTRIES = {
  token: v.pipe(v.string(), v.minLength(1, 'is required')),
  public_jwk: v.looseObject({ kty: v.string(), crv: v.string(), x: v.pipe(v.string(), v.minLength(43), v.maxLength(43)) }),
  public_url: v.pipe(v.string(), v.url('must be a URL'), v.regex(/^https?:\/\//, 'must be http(s)')),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  version: v.optional(v.string()),
}
const FleetEnrollSchema = v.strictObject(FLEET_ENROLL_ENTRIES)
export type FleetEnrollInput = v.InferOutput<typeof FleetEnrollSchema>

/** The edge's answer to an enrolment: the member's id under `<kind>_id`, its poll interval, the edge's keys. */
export type EnrollAnswer<K extends string> = { [id in `${K}_id`]: string } & {
  poll_interval_ms: number
  edge_jwks: { keys: Record<string, unknown>[] }
}
