/** An agent as placement sees it: what it offers and what live sessions already hold there. */
export type AgentLoad = {
  id: string
  zoneId: string
  zoneName: string
  labels: string[]
  cores: number
  memoryBytes: number
  gpus: number
  reservedCores: number
  reservedMemoryBytes: number
  reservedGpus: number
}

export type PlacementNeed = {
  cores: number
  memoryBytes: number
  gpus: number
  /** Only agents in this zone, when the workspace is restricted to one. */
  zoneId: string | null
  includeLabels: string[]
  excludeLabels: string[]
}

export type Placement = { ok: true; agent: AgentLoad } | { ok: false; reason: string }

const GiB = 1024 ** 3
const gib = (b: number) => `${(b / GiB).toFixed(1)} GiB`

/**
 * Picks the least loaded agent that satisfies every constraint (DESIGN §5). When none does, the
 * reason names the constraint that ruled the last candidates out, with the numbers, rather than
 * Kasm's bare "No resources are available".
 */
export function choosePlacement(candidates: readonly AgentLoad[], need: PlacementNeed): Placement {
  if (candidates.length === 0) return { ok: false, reason: 'No agent is online and enabled to run sessions' }
  const inZone = need.zoneId ? candidates.filter((a) => a.zoneId === need.zoneId) : candidates
  if (inZone.length === 0) return { ok: false, reason: 'No agent is online in the zone this workspace is restricted to' }
  const labelled = inZone.filter(
    (a) => need.includeLabels.every((l) => a.labels.includes(l)) && !need.excludeLabels.some((l) => a.labels.includes(l)),
  )
  if (labelled.length === 0) {
    const wants = [...need.includeLabels.map((l) => `with label "${l}"`), ...need.excludeLabels.map((l) => `without label "${l}"`)]
    return { ok: false, reason: `No agent matches the workspace's labels (needs an agent ${wants.join(' and ')})` }
  }
  const free = (a: AgentLoad) => ({
    cores: a.cores - a.reservedCores,
    mem: a.memoryBytes - a.reservedMemoryBytes,
    gpus: a.gpus - a.reservedGpus,
  })
  const withGpus = labelled.filter((a) => free(a).gpus >= need.gpus)
  if (withGpus.length === 0) {
    const most = Math.max(...labelled.map((a) => free(a).gpus))
    return { ok: false, reason: `Not enough free GPUs: the workspace needs ${need.gpus}, the most any agent has free is ${most}` }
  }
  const withCores = withGpus.filter((a) => free(a).cores >= need.cores)
  if (withCores.length === 0) {
    const most = Math.max(...withGpus.map((a) => free(a).cores))
    return {
      ok: false,
      reason: `Not enough free CPU: the workspace needs ${need.cores} cores, the most any agent has free is ${+most.toFixed(2)}`,
    }
  }
  const withMemory = withCores.filter((a) => free(a).mem >= need.memoryBytes)
  if (withMemory.length === 0) {
    const most = Math.max(...withCores.map((a) => free(a).mem))
    return {
      ok: false,
      reason: `Not enough free memory: the workspace needs ${gib(need.memoryBytes)}, the most any agent has free is ${gib(most)}`,
    }
  }
  const load = (a: AgentLoad) => Math.max(a.reservedCores / (a.cores || 1), a.reservedMemoryBytes / (a.memoryBytes || 1))
  const best = [...withMemory].sort((a, b) => load(a) - load(b) || a.id.localeCompare(b.id))[0]!
  return { ok: true, agent: best }
}
