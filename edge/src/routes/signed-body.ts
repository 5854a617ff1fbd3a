import type { Context } from 'hono'
import * as v from 'valibot'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import type { FleetKind } from '../services/fleet/kinds'
import { verifySignedRequest } from '../services/fleet/signed-request'
import { invalidInput } from '../validate'

/** Verifies a fleet member's signature over the exact bytes received, then parses them. */
export async function signedBody<K extends FleetKind, S extends v.GenericSchema>(
  c: Context<AppEnv>,
  kind: K,
  schema: S,
  o: { ordered?: boolean } = {},
) {
  const raw = await c.req.text()
  const member = await verifySignedRequest(
    c.var.deps,
    kind,
    {
      method: c.req.method,
      path: c.req.path,
      body: raw,
      authorization: c.req.header('Authorization'),
    },
    o,
  )
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw ApiError.invalid('Malformed JSON in request body')
  }
  const parsed = v.safeParse(schema, json)
  if (!parsed.success) throw invalidInput(parsed.issues)
  return { member, body: parsed.output as v.InferOutput<S> }
}
