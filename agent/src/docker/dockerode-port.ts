// DockerPort over dockerode: the only module that imports the library.
import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { Writable } from 'node:stream'
import Docker from 'dockerode'
import { containerCreateOptions, LABEL, profileHostPath, SESSION_HOME } from './container-spec'
import type { DockerPort, ManagedContainer } from './docker-port'
import { prepareProfileDir, prepareVolumeMappings, SESSION_GID, SESSION_UID } from './host-dirs'
import { isolateSessionBridge, removeIsolation } from './isolation'
import { createPullProgress, type PullEvent } from './pull-progress'
import { tarOneFile, untarFirstFile, assertPlainFileName } from './tar'

/** Debian's docker.io 20.10 speaks API 1.41 at most; a higher pin is an HTTP 400 on every call. */
const API_VERSION = 'v1.41'
const ICC_OPTION = 'com.docker.network.bridge.enable_icc'
const BRIDGE_OPTION = 'com.docker.network.bridge.name'
const DEFAULT_MAX_DOWNLOAD_BYTES = 512 * 1024 ** 2

export type DockerodePortOptions = {
  socketPath: string
  /** Firewalls a session bridge from the host; replace only where iptables is someone else's job. */
  isolate?: (bridge: string) => Promise<void>
  unisolate?: (bridge: string) => Promise<void>
  /** Hears about volume mappings left out of a session because their folder could not be made. */
  onWarning?: (message: string) => void
  /** A pull that reports nothing for this long has stalled (a registry that stopped answering) and fails. */
  pullStallMs?: number
}

/** The Engine reports each layer's bytes as they come; two minutes of silence is a registry that hung. */
export const PULL_STALL_MS = 120_000

/** The bridge interface of a session network: a fixed, valid (≤15 bytes) name derived from the network's. */
export const bridgeNameFor = (network: string) => `oriel-${createHash('sha256').update(network).digest('hex').slice(0, 8)}`

export function createDockerodePort(opts: DockerodePortOptions): DockerPort {
  const docker = new Docker({ socketPath: opts.socketPath, version: API_VERSION })
  const isolate = opts.isolate ?? ((b: string) => isolateSessionBridge(b))
  const unisolate = opts.unisolate ?? ((b: string) => removeIsolation(b))
  const warn = opts.onWarning ?? (() => {})

  return {
    async ensureSessionNetwork(name) {
      let net = await inspectNetwork(docker, name)
      if (!net) {
        try {
          await docker.createNetwork({
            Name: name,
            Driver: 'bridge',
            CheckDuplicate: true,
            Labels: { [LABEL.managed]: 'true' },
            Options: { [ICC_OPTION]: 'false', [BRIDGE_OPTION]: bridgeNameFor(name) },
          })
        } catch (err) {
          if (statusOf(err) !== 409) throw err // 409: another caller created it first
        }
        net = await inspectNetwork(docker, name)
        if (!net) throw new Error(`session network ${name} vanished right after creation`)
      }
      const options: Record<string, string> = net.Options ?? {}
      if (net.Driver !== 'bridge' || options[ICC_OPTION] !== 'false') {
        throw new Error(`network ${name} exists but is not an isolated bridge (driver ${net.Driver}, ${ICC_OPTION}=${options[ICC_OPTION]})`)
      }
      // Docker names a bridge br-<id12> when no name was given.
      const bridge = options[BRIDGE_OPTION] ?? `br-${String(net.Id).slice(0, 12)}`
      await isolate(bridge)
      return { bridge }
    },

    async removeSessionNetwork(name) {
      const net = await inspectNetwork(docker, name)
      if (!net) return
      await docker.getNetwork(name).remove()
      const options: Record<string, string> = net.Options ?? {}
      await unisolate(options[BRIDGE_OPTION] ?? `br-${String(net.Id).slice(0, 12)}`)
    },

    async listManaged(agentId) {
      const list = await docker.listContainers({
        all: true,
        filters: { label: [`${LABEL.managed}=true`, `${LABEL.agentId}=${agentId}`] },
      })
      return list.map((c): ManagedContainer => ({
        containerId: c.Id,
        kasmId: c.Labels[LABEL.kasmId] ?? '',
        state: c.State,
        labels: c.Labels,
      }))
    },

    async createSession(spec, specOpts) {
      if (spec.profileMode === 'Reset') await assertProfileUnused(docker, profileHostPath(spec))
      await prepareProfileDir(spec)
      const volumeMappings = await prepareVolumeMappings(spec.volumeMappings, (path, err) =>
        warn(`volume mapping ${path} left out of session ${spec.kasmId}: ${String(err)}`),
      )
      const body = containerCreateOptions({ ...spec, volumeMappings }, specOpts)
      const container = await docker.createContainer(body)
      return { containerId: container.id }
    },

    async startSession(containerId) {
      try {
        await docker.getContainer(containerId).start()
      } catch (err) {
        if (statusOf(err) !== 304) throw err // 304: already running
      }
    },

    async pauseSession(containerId) {
      const c = docker.getContainer(containerId)
      if (!(await c.inspect()).State.Paused) await c.pause()
    },

    async unpauseSession(containerId) {
      const c = docker.getContainer(containerId)
      if ((await c.inspect()).State.Paused) await c.unpause()
    },

    async stopSession(containerId) {
      const c = docker.getContainer(containerId)
      // A paused container cannot be stopped gracefully: thaw it first.
      if ((await c.inspect()).State.Paused) await c.unpause()
      try {
        await c.stop({ t: 5 })
      } catch (err) {
        if (statusOf(err) !== 304) throw err // 304: already stopped
      }
    },

    async sessionAddress(containerId, network) {
      const info = await docker.getContainer(containerId).inspect()
      if (!info.State.Running) {
        throw new Error(`session container ${containerId} is ${info.State.Status} (exit code ${info.State.ExitCode})`)
      }
      const ip = info.NetworkSettings.Networks[network]?.IPAddress
      if (!ip) throw new Error(`session container ${containerId} has no address on network ${network}`)
      return ip
    },

    async remove(containerId) {
      try {
        await docker.getContainer(containerId).remove({ force: true, v: true })
      } catch (err) {
        if (statusOf(err) !== 404) throw err
      }
    },

    async exec(containerId, cmd, execOpts = {}) {
      const exec = await docker.getContainer(containerId).exec({
        Cmd: cmd,
        AttachStdout: true,
        AttachStderr: true,
        ...(execOpts.user !== undefined && { User: execOpts.user }),
        ...(execOpts.env !== undefined && { Env: execOpts.env }),
        ...(execOpts.workdir !== undefined && { WorkingDir: execOpts.workdir }),
        ...(execOpts.privileged !== undefined && { Privileged: execOpts.privileged }),
      })
      const stream = await exec.start({ hijack: true, stdin: false })
      const chunks: Buffer[] = []
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          chunks.push(chunk)
          cb()
        },
      })
      // Without a TTY the Engine multiplexes stdout and stderr into one framed stream.
      docker.modem.demuxStream(stream, sink, sink)
      await new Promise<void>((resolve, reject) => {
        stream.once('end', resolve)
        stream.once('close', resolve)
        stream.once('error', reject)
      })
      const { ExitCode } = await exec.inspect()
      return { exitCode: ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') }
    },

    async putFile(containerId, folder, name, data) {
      const tar = tarOneFile(name, data, { uid: SESSION_UID, gid: SESSION_GID })
      await docker.getContainer(containerId).putArchive(tar, { path: `${SESSION_HOME}/${folder}` })
    },

    async getFile(containerId, folder, name, fileOpts = {}) {
      assertPlainFileName(name)
      const maxBytes = fileOpts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES
      const stream = await docker.getContainer(containerId).getArchive({ path: `${SESSION_HOME}/${folder}/${name}` })
      // Room for the tar headers and padding around a file of maxBytes.
      const tar = await collect(stream, maxBytes + 64 * 1024)
      const file = untarFirstFile(tar)
      if (file.data.length > maxBytes) throw new Error(`${name} is larger than ${maxBytes} bytes`)
      return file.data
    },

    async listImages() {
      const images = await docker.listImages()
      return images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>')
    },

    async pullImage(ref, auth, onProgress) {
      const progress = createPullProgress()
      const stallMs = opts.pullStallMs ?? PULL_STALL_MS
      // Aborting ends the request (headers not yet come, or the stream), which cancels the Engine's pull.
      const abort = new AbortController()
      let stall: NodeJS.Timeout | undefined
      let watch = () => {}
      const stalled = new Promise<never>((_, reject) => {
        watch = () => {
          clearTimeout(stall)
          stall = setTimeout(() => {
            reject(new Error(`pull ${ref}: the registry sent nothing for ${Math.round(stallMs / 1000)} s`))
            abort.abort()
          }, stallMs)
        }
      })
      void stalled.catch(() => {})
      watch()
      let last = -1
      const pulled = (async () => {
        const stream: NodeJS.ReadableStream = await docker.pull(ref, { ...(auth && { authconfig: auth }), abortSignal: abort.signal })
        await new Promise<void>((resolve, reject) => {
          let failed: Error | undefined
          docker.modem.followProgress(
            stream,
            (err: Error | null) => {
              const cause = err ?? failed
              if (cause) reject(cause)
              else resolve()
            },
            (event: PullEvent) => {
              watch()
              // The Engine answers 200 and reports registry failures inside the stream.
              if (event.error) failed ??= new Error(`pull ${ref}: ${event.error}`)
              const percent = progress(event)
              if (percent !== last) onProgress?.((last = percent))
            },
          )
        })
      })()
      void pulled.catch(() => {})
      try {
        await Promise.race([pulled, stalled])
      } finally {
        clearTimeout(stall)
      }
    },

    async info() {
      const i = await docker.info()
      const runtimes: Record<string, unknown> = i.Runtimes ?? {}
      return { cores: i.NCPU, memoryBytes: i.MemTotal, gpus: 'nvidia' in runtimes ? await countNvidiaDevices() : 0 }
    },
  }
}

async function inspectNetwork(docker: Docker, name: string): Promise<Docker.NetworkInspectInfo | null> {
  try {
    return await docker.getNetwork(name).inspect()
  } catch (err) {
    if (statusOf(err) === 404) return null
    throw err
  }
}

/**
 * Reset must not empty a profile a live container has bound (the same user's other session of the
 * workspace): that session's home would vanish under it. Stopped containers are not counted.
 */
async function assertProfileUnused(docker: Docker, path: string | null): Promise<void> {
  if (!path) return
  const live = await docker.listContainers({ filters: { status: ['running', 'paused', 'restarting'] } })
  if (live.some((c) => c.Mounts?.some((m) => m.Type === 'bind' && m.Source === path))) {
    throw new Error(`the persistent profile ${path} is in use by a running session; end it before resetting the profile`)
  }
}

/** GPUs the nvidia runtime can hand out: the /dev/nvidia<N> device nodes. */
async function countNvidiaDevices(): Promise<number> {
  return (await readdir('/dev')).filter((n) => /^nvidia\d+$/.test(n)).length
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode
}

function collect(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        ;(stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.()
        reject(new Error(`archive is larger than ${limit} bytes`))
      } else chunks.push(c)
    })
    stream.once('end', () => resolve(Buffer.concat(chunks)))
    stream.once('error', reject)
  })
}
