// The pure mapping from a session request to the Engine API 1.41 create body.
import { posix } from 'node:path'
import type Docker from 'dockerode'
import { localeVariables, type AgentEnvName } from '#schema'
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
  // Precedence, later wins: the workspace's run_config, then the launch's named options, then the
  // launch's own `environment` (Kasm: a launch's environment wins over the workspace's; the most
  // explicit statement of one request wins over its derived values), then the agent's variables.
  for (const [name, value] of Object.entries({ ...launchVariables(spec), ...spec.environment })) draft.env.set(name, `${name}=${value}`)

  for (const [hostPath, m] of Object.entries(spec.volumeMappings)) {
    if (!posix.isAbsolute(hostPath) || !posix.isAbsolute(m.bind)) {
      throw new Error(`volume mapping ${hostPath} -> ${m.bind}: both paths must be absolute`)
    }
    draft.binds.push(`${hostPath}:${m.bind}:${m.mode ?? 'rw'}`)
  }
  // Disabled: the session starts from the image's home folder; the saved profile stays untouched.
  const profile = spec.profileMode === 'Disabled' ? null : profileHostPath(spec)
  if (profile) draft.binds.push(`${profile}:${SESSION_HOME}:rw`)
  assertDistinctTargets(draft.binds)

  // The agent's variables and labels are set last so neither a run config nor a launch can replace them.
  const own: Record<AgentEnvName, string> = { VNC_PW: spec.vncPassword }
  for (const [name, value] of Object.entries(own)) draft.env.set(name, `${name}=${value}`)
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

/**
 * The variables a launch's named options become. KASM_URL is what Kasm's browser images read for
 * their start page: kasmtech/workspaces-images src/ubuntu/install/chrome/custom_startup.sh
 * (`kasm_startup`) opens $KASM_URL, else the image's own default $LAUNCH_URL, so the launch's URL
 * goes in KASM_URL and an image's LAUNCH_URL stays its fallback.
 */
function launchVariables(spec: SessionSpec): Record<string, string> {
  // The edge refuses a tag that names no locale; should this host's ICU still name none, the
  // image's own locale is kept rather than failing the session over a language.
  const locale = spec.clientLanguage ? localeVariables(spec.clientLanguage) : null
  return {
    ...locale,
    ...(spec.clientTimezone && { TZ: spec.clientTimezone }),
    ...(spec.kasmUrl && { KASM_URL: spec.kasmUrl }),
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
