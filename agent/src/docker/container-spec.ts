// The pure mapping from a session request to the Engine API 1.41 create body.
import { posix } from 'node:path'
import type Docker from 'dockerode'
import { applyRunConfig, type CreateDraft } from './run-config'
import type { SessionSpec } from './session-spec'

/** Where the persistent profile (and Kasm's home directory) lives inside every workspace image. */
export const SESSION_HOME = '/home/kasm-user'
/** Desktops need a large /dev/shm (browsers, Electron); Docker's own default is only 64 MiB. */
export const DEFAULT_SHM_BYTES = 512 * 1024 ** 2

/** Labels the agent puts on every session container; listManaged filters on them. */
export const LABEL = {
  managed: 'oriel.managed',
  kasmId: 'oriel.kasm_id',
  userId: 'oriel.user_id',
  imageId: 'oriel.image_id',
  agentId: 'oriel.agent_id',
} as const

export type ContainerSpecOptions = { network: string; name?: string }

/**
 * Builds the `POST /containers/create` body for a session: resources, the run config, volume
 * mappings, the profile bind and our labels. No ports are published: the agent relays RFB to the
 * container IP on the session network, so nothing of the session listens on the host.
 */
export function containerCreateOptions(spec: SessionSpec, opts: ContainerSpecOptions): Docker.ContainerCreateOptions {
  const draft: CreateDraft = {
    config: {},
    host: { NetworkMode: opts.network, Init: true, ShmSize: DEFAULT_SHM_BYTES },
    env: new Map(),
    binds: [],
    labels: {},
  }
  if (spec.cores > 0) draft.host.NanoCpus = Math.round(spec.cores * 1e9)
  if (spec.memoryBytes > 0) {
    draft.host.Memory = spec.memoryBytes
    // Equal to Memory: the limit is the session's whole footprint, with no extra swap on top.
    draft.host.MemorySwap = spec.memoryBytes
  }
  if (spec.gpuCount > 0) {
    draft.host.DeviceRequests = [{ Driver: 'nvidia', Count: spec.gpuCount, Capabilities: [['gpu']] }]
  }
  applyRunConfig(spec.runConfig, draft)

  for (const [hostPath, m] of Object.entries(spec.volumeMappings)) {
    if (!posix.isAbsolute(hostPath) || !posix.isAbsolute(m.bind)) {
      throw new Error(`volume mapping ${hostPath} -> ${m.bind}: both paths must be absolute`)
    }
    draft.binds.push(`${hostPath}:${m.bind}:${m.mode ?? 'rw'}`)
  }
  const profile = profileHostPath(spec)
  if (profile) draft.binds.push(`${profile}:${SESSION_HOME}:rw`)
  assertDistinctTargets(draft.binds)

  // The agent's variables and labels are set last so a run config cannot replace them.
  draft.env.set('VNC_PW', `VNC_PW=${spec.vncPassword}`)
  Object.assign(draft.labels, {
    [LABEL.kasmId]: spec.kasmId,
    [LABEL.userId]: spec.userId,
    [LABEL.imageId]: spec.imageId,
    [LABEL.agentId]: spec.agentId,
    [LABEL.managed]: 'true',
  })

  return {
    ...(opts.name !== undefined && { name: opts.name }),
    Image: spec.image,
    ...draft.config,
    Env: [...draft.env.values()],
    Labels: draft.labels,
    HostConfig: { ...draft.host, ...(draft.binds.length > 0 && { Binds: draft.binds }) },
  }
}

const PLACEHOLDERS = ['username', 'user_id', 'image_id'] as const

/**
 * The host folder of the session's persistent profile, or null when the image has none.
 *
 * Placeholder values are encoded injectively (unsafe bytes become %XX, "%" included), so
 * "a/b" becomes "a%2Fb" and can neither leave its folder nor share one with user "a_b".
 * "." and ".." segments are refused after substitution: they would point at a parent folder
 * that other users' profiles live under.
 */
export function profileHostPath(spec: SessionSpec): string | null {
  const template = spec.persistentProfilePath?.trim()
  if (!template) return null
  if (!template.startsWith('/')) throw new Error(`persistent profile path "${template}" must be absolute`)
  const values: Record<(typeof PLACEHOLDERS)[number], string> = {
    username: encodeSegment(spec.username),
    user_id: encodeSegment(spec.userId),
    image_id: encodeSegment(spec.imageId),
  }
  const path = template.replace(/\{([^{}]*)\}/g, (_, key: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(key)) {
      throw new Error(`persistent profile path has unknown placeholder {${key}} (known: ${PLACEHOLDERS.join(', ')})`)
    }
    return values[key as (typeof PLACEHOLDERS)[number]]
  })
  const segments = path.split('/').filter((s) => s !== '')
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..') || path.includes('\0')) {
    throw new Error(`persistent profile path "${path}" is not a safe absolute folder`)
  }
  return `/${segments.join('/')}`
}

/** Keeps [A-Za-z0-9._@+-] readable; every other UTF-8 byte (and a whole "." or ".." value) becomes %XX. */
function encodeSegment(value: string): string {
  if (value === '') throw new Error('persistent profile path placeholder value is empty')
  if (value === '.' || value === '..') return value.replace(/\./g, '%2E')
  return [...Buffer.from(value, 'utf8')]
    .map((b) => {
      const ch = String.fromCharCode(b)
      return /[A-Za-z0-9._@+-]/.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`
    })
    .join('')
}

/** Docker refuses two mounts on one container path with an opaque "Duplicate mount point" 400. */
function assertDistinctTargets(binds: string[]): void {
  const seen = new Set<string>()
  for (const b of binds) {
    const target = posix.normalize(b.split(':')[1] ?? '').replace(/(.)\/$/, '$1')
    if (seen.has(target)) throw new Error(`two mounts target ${target} in the container`)
    seen.add(target)
  }
}
