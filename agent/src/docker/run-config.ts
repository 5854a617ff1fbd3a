// Kasm's Docker Run Config (docker-py `containers.run` kwargs) → Engine API 1.41 fields.
// docker-py does this translation in Kasm; the Engine itself rejects docker-py shapes with a 500
// (e.g. `Devices: ["a:b"]`, numeric sysctl values), so every key is converted here explicitly.
import type Docker from 'dockerode'
import * as v from 'valibot'
import { DockerRunConfigSchema, type DockerRunConfig } from '#schema'
import { parseByteSize } from './byte-size'
import { splitShellWords } from './shell-words'

/** The create body while it is being assembled; container-spec.ts turns it into the final body. */
export type CreateDraft = {
  config: Docker.ContainerCreateOptions
  host: Docker.HostConfig
  /** Keyed by variable name so later writers (the agent's own variables) replace earlier ones. */
  env: Map<string, string>
  binds: string[]
  labels: Record<string, string>
}

type Mappers = { [K in keyof DockerRunConfig]-?: (value: NonNullable<DockerRunConfig[K]>, d: CreateDraft) => void }

/**
 * One mapper per key the shared schema accepts. The mapped type makes this exhaustive: a key added
 * to DockerRunConfigSchema without a mapper here fails type-checking instead of being dropped.
 */
const MAPPERS: Mappers = {
  environment: (env, d) => {
    if (Array.isArray(env)) for (const entry of env) d.env.set(envName(entry), entry)
    else for (const [k, val] of Object.entries(env)) d.env.set(k, `${k}=${String(val)}`)
  },
  volumes: (vols, d) => {
    if (Array.isArray(vols)) {
      for (const b of vols) {
        if (b.split(':').length < 2) throw new Error(`run_config.volumes entry "${b}" needs host:container[:mode]`)
        d.binds.push(b)
      }
    } else for (const [hostPath, m] of Object.entries(vols)) d.binds.push(`${hostPath}:${m.bind}:${m.mode ?? 'rw'}`)
  },
  devices: (devs, d) => {
    d.host.Devices = devs.map(parseDevice)
  },
  cap_add: (caps, d) => void (d.host.CapAdd = caps),
  cap_drop: (caps, d) => void (d.host.CapDrop = caps),
  // The Engine wants string values; a JSON number here is an HTTP 500 at create time.
  sysctls: (s, d) => void (d.host.Sysctls = Object.fromEntries(Object.entries(s).map(([k, val]) => [k, String(val)]))),
  security_opt: (o, d) => void (d.host.SecurityOpt = o),
  shm_size: (s, d) => void (d.host.ShmSize = parseByteSize(s)),
  user: (u, d) => void (d.config.User = u),
  hostname: (h, d) => void (d.config.Hostname = h),
  runtime: (r, d) => void (d.host.Runtime = r),
  labels: (l, d) => void Object.assign(d.labels, l),
  privileged: (p, d) => void (d.host.Privileged = p),
  entrypoint: (e, d) => void (d.config.Entrypoint = typeof e === 'string' ? splitShellWords(e) : e),
  command: (c, d) => void (d.config.Cmd = typeof c === 'string' ? splitShellWords(c) : c),
  working_dir: (w, d) => void (d.config.WorkingDir = w),
  dns: (s, d) => void (d.host.Dns = s),
  dns_search: (s, d) => void (d.host.DnsSearch = s),
  // docker-py accepts {hostname: ip} or ["hostname:ip"]; the Engine wants the list form.
  extra_hosts: (h, d) => void (d.host.ExtraHosts = Array.isArray(h) ? h : Object.entries(h).map(([n, ip]) => `${n}:${ip}`)),
  group_add: (g, d) => void (d.host.GroupAdd = g),
  init: (i, d) => void (d.host.Init = i),
  read_only: (r, d) => void (d.host.ReadonlyRootfs = r),
  // docker-py accepts {path: options} or ["path[:options]"]; the Engine wants the map.
  tmpfs: (t, d) => void (d.host.Tmpfs = Array.isArray(t) ? Object.fromEntries(t.map(splitTmpfs)) : t),
  ulimits: (u, d) => void (d.host.Ulimits = u.map((l) => ({ Name: l.name, Soft: l.soft, Hard: l.hard }))),
  pids_limit: (p, d) => void (d.host.PidsLimit = p),
  oom_kill_disable: (o, d) => void (d.host.OomKillDisable = o),
  storage_opt: (s, d) => void (d.host.StorageOpt = s),
}

/** Keys whose docker-py value may be a list of strings (ulimits, a list of objects, is left to the schema). */
const STRING_LIST_KEYS = new Set([
  'environment',
  'volumes',
  'devices',
  'cap_add',
  'cap_drop',
  'security_opt',
  'entrypoint',
  'command',
  'dns',
  'dns_search',
  'extra_hosts',
  'group_add',
  'tmpfs',
])

/**
 * Validates a run config against the schema the edge uses (unknown keys included) and applies it
 * to the draft. The edge has already refused bad configs; checking again keeps a stale or
 * tampered record from reaching the Engine.
 */
export function applyRunConfig(raw: Record<string, unknown>, draft: CreateDraft): void {
  const problems = listProblems(raw)
  const parsed = v.safeParse(DockerRunConfigSchema, raw)
  if (!parsed.success) problems.push(...parsed.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`))
  if (problems.length > 0) throw new Error(`invalid run_config: ${problems.join('; ')}`)
  // The raw input is mapped, not parsed.output: valibot's record() accepts an array and returns
  // it as {"0": …}, and the shared schema tries its record branch first, so the output of a valid
  // list (environment: ["A=1"]) is a mangled object. listProblems has checked every list instead.
  const config = raw as DockerRunConfig
  for (const key of Object.keys(config) as (keyof DockerRunConfig)[]) {
    const value = config[key]
    if (value === undefined) continue
    ;(MAPPERS[key] as (val: unknown, d: CreateDraft) => void)(value, draft)
  }
}

/** What the schema cannot see: a list where only a map is allowed, or a list of non-strings. */
function listProblems(raw: Record<string, unknown>): string[] {
  const problems: string[] = []
  for (const [key, value] of Object.entries(raw)) {
    if (!Array.isArray(value) || key === 'ulimits') continue
    if (!STRING_LIST_KEYS.has(key)) problems.push(`${key}: a list is not accepted here`)
    else if (value.some((x) => typeof x !== 'string')) problems.push(`${key}: must be a list of strings`)
  }
  return problems
}

/** The variable name of a docker-style "NAME=value" entry (a bare "NAME" is its own name). */
export function envName(entry: string): string {
  const eq = entry.indexOf('=')
  return eq === -1 ? entry : entry.slice(0, eq)
}

/** docker-py's device string "host[:container[:permissions]]" as an Engine DeviceMapping. */
function parseDevice(spec: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const [onHost, inContainer, perms, ...rest] = spec.split(':')
  if (!onHost || rest.length > 0) throw new Error(`run_config.devices entry "${spec}" must be host[:container[:permissions]]`)
  return { PathOnHost: onHost, PathInContainer: inContainer || onHost, CgroupPermissions: perms || 'rwm' }
}

function splitTmpfs(entry: string): [string, string] {
  const i = entry.indexOf(':')
  return i === -1 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)]
}
