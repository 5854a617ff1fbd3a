import type { EnrollAnswer, EnrollInput, FleetEnrollInput, ProxyEnrollInput } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { edgeJwks } from './edge-key'
import { memberTable, type FleetKind } from './kinds'
import { zoneForToken } from './registration'

/** How often a member polls when it has nothing to do; the edge may ask for less or more later. */
export const DEFAULT_POLL_INTERVAL_MS = 5_000

/** The kind's own columns of a new member (an agent's resources and labels), beside the shared ones. */
type KindValues = Record<string, unknown>

/**
 * Enrols a fleet member of `kind` with a zone token and its own Ed25519 public key; answers with its
 * id (`<kind>_id`), the poll interval and the edge's public keys.
 */
export async function enrollMember<K extends FleetKind>(deps: Deps, kind: K, input: FleetEnrollInput, kindValues: KindValues = {}) {
  const zoneId = await zoneForToken(deps, input.token)
  const jwk = input.public_jwk
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || 'd' in jwk) {
    throw ApiError.invalid('Invalid public_jwk: must be an Ed25519 public key', 'public_jwk')
  }
  const table = memberTable(kind)
  const [member] = await deps.db
    .insert(table)
    .values({
      zoneId,
      name: input.name,
      publicUrl: input.public_url,
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
      version: input.version ?? null,
      lastSeenAt: deps.clock.now(),
      pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
      ...kindValues,
    })
    .returning({ id: table.id })
  deps.log.info(`${kind} enrolled`, { [`${kind}_id`]: member!.id, zone_id: zoneId, name: input.name })
  const answer = {
    [`${kind}_id`]: member!.id,
    poll_interval_ms: DEFAULT_POLL_INTERVAL_MS,
    edge_jwks: await edgeJwks(deps.config.signingKey),
  }
  return answer as EnrollAnswer<K>
}

/** An agent: a member with the host's resources and labels. */
export const enrollAgent = (deps: Deps, input: EnrollInput) =>
  enrollMember(deps, 'agent', input, {
    cores: input.resources.cores,
    memoryBytes: input.resources.memory_bytes,
    gpus: input.resources.gpus,
    labels: input.labels ?? [],
  })

/** A connection proxy: a member with its cluster size. */
export const enrollProxy = (deps: Deps, input: ProxyEnrollInput) => enrollMember(deps, 'proxy', input, { clusterSize: input.cluster_size })
