import { agents, type Db, type EnrollInput } from '#schema'
import type { Deps } from '../../deps'
import { ApiError } from '../../errors'
import { edgeJwks } from './edge-key'
import { zoneForToken } from './registration'

/** How often an agent polls when it has nothing to do; the edge may ask for less or more later. */
export const DEFAULT_POLL_INTERVAL_MS = 5_000

/** Enrols an agent with a zone token and its own public key; answers with its id and the edge's keys. */
export async function enrollAgent(deps: Deps, input: EnrollInput) {
  const zoneId = await zoneForToken(deps, input.token)
  const jwk = input.public_jwk
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || 'd' in jwk) {
    throw ApiError.invalid('Invalid public_jwk: must be an Ed25519 public key', 'public_jwk')
  }
  const [agent] = await (deps.db as Db)
    .insert(agents)
    .values({
      zoneId,
      name: input.name,
      publicUrl: input.public_url,
      publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
      cores: input.resources.cores,
      memoryBytes: input.resources.memory_bytes,
      gpus: input.resources.gpus,
      labels: input.labels ?? [],
      version: input.version ?? null,
      lastSeenAt: deps.clock.now(),
      pollIntervalMs: DEFAULT_POLL_INTERVAL_MS,
    })
    .returning()
  deps.log.info('agent enrolled', { agent_id: agent!.id, zone_id: zoneId, name: input.name })
  return { agent_id: agent!.id, poll_interval_ms: DEFAULT_POLL_INTERVAL_MS, edge_jwks: await edgeJwks(deps.config.signingKey) }
}
