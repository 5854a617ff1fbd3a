import * as v from 'valibot'

// Lists first in every union below: valibot's record() also accepts arrays (as index → value).
const StringList = v.array(v.string())
const StringMap = v.record(v.string(), v.string())

/**
 * Kasm's Docker Run Config: docker-py `containers.run()` keyword arguments, which the agent maps to
 * the Engine API. Keys outside this list are refused when the workspace is saved, naming the key,
 * rather than ignored at launch. Keys that would undo session isolation (network_mode, pid_mode,
 * ipc_mode, userns_mode) are deliberately absent.
 */
export const DockerRunConfigSchema = v.strictObject({
  environment: v.optional(v.union([StringList, v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))])),
  volumes: v.optional(
    v.union([StringList, v.record(v.string(), v.strictObject({ bind: v.string(), mode: v.optional(v.picklist(['rw', 'ro'])) }))]),
  ),
  devices: v.optional(StringList),
  cap_add: v.optional(StringList),
  cap_drop: v.optional(StringList),
  sysctls: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
  security_opt: v.optional(StringList),
  shm_size: v.optional(
    v.union([v.pipe(v.number(), v.integer(), v.minValue(0)), v.pipe(v.string(), v.regex(/^\d+[bkmg]?$/i, 'must be a size such as 512m'))]),
  ),
  user: v.optional(v.string()),
  hostname: v.optional(v.string()),
  runtime: v.optional(v.string()),
  labels: v.optional(StringMap),
  privileged: v.optional(v.boolean()),
  entrypoint: v.optional(v.union([v.string(), StringList])),
  command: v.optional(v.union([v.string(), StringList])),
  working_dir: v.optional(v.string()),
  dns: v.optional(StringList),
  dns_search: v.optional(StringList),
  extra_hosts: v.optional(v.union([StringList, StringMap])),
  group_add: v.optional(StringList),
  init: v.optional(v.boolean()),
  read_only: v.optional(v.boolean()),
  tmpfs: v.optional(v.union([StringList, StringMap])),
  ulimits: v.optional(v.array(v.strictObject({ name: v.string(), soft: v.number(), hard: v.number() }))),
  pids_limit: v.optional(v.pipe(v.number(), v.integer())),
  oom_kill_disable: v.optional(v.boolean()),
  storage_opt: v.optional(StringMap),
})
export type DockerRunConfig = v.InferOutput<typeof DockerRunConfigSchema>

const ExecStepSchema = v.strictObject({
  cmd: v.pipe(v.string(), v.minLength(1)),
  user: v.optional(v.string()),
  privileged: v.optional(v.boolean()),
  workdir: v.optional(v.string()),
  environment: v.optional(v.record(v.string(), v.string())),
})

/** Kasm's Docker Exec Config: commands run in the session at first launch, on "go" links, and on assign. */
export const DockerExecConfigSchema = v.strictObject({
  first_launch: v.optional(ExecStepSchema),
  go: v.optional(ExecStepSchema),
  assign: v.optional(ExecStepSchema),
})
