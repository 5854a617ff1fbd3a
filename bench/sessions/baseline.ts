// The baseline: what a bare `docker run` of the same image costs, with dockerode. Create + start on
// the same session network with the same resources, poll <IP>:5901 for the RFB banner, then VncAuth
// straight to Xvnc and the first FramebufferUpdate.
import { randomBytes } from 'node:crypto'
import type Docker from 'dockerode'
import { DEFAULT_SHM_BYTES } from '../../agent/src/docker/container-spec'
import { directClient, firstUpdate, VNC_PORT, waitForBanner } from './vnc'

/** Banner polling cadence of the baseline (20 ms, as the readiness measurements behind docs/architecture.md#docker-readiness used). */
export const BANNER_POLL_MS = 20
export const BENCH_LABEL = 'oriel.bench'

export type BaselineOptions = { docker: Docker; image: string; network: string; cores: number; memoryBytes: number }

/** Milliseconds from just before create, per milestone. */
export type BaselineSample = { created: number; started: number; banner: number; serverInit: number; update: number }

/** The create body: what `docker run --network … --cpus … --memory … --init --shm-size …` sends. */
export function baselineCreateBody(o: BaselineOptions, password: string): Docker.ContainerCreateOptions {
  return {
    Image: o.image,
    Env: [`VNC_PW=${password}`],
    Labels: { [BENCH_LABEL]: String(process.pid) },
    HostConfig: {
      NetworkMode: o.network,
      Init: true,
      ShmSize: DEFAULT_SHM_BYTES, // as the agent sets it, so both start the same container
      NanoCpus: Math.round(o.cores * 1e9),
      Memory: o.memoryBytes,
      MemorySwap: o.memoryBytes,
    },
  }
}

/** Starts a baseline container and waits for its banner; the caller removes it. */
export async function startBaseline(o: BaselineOptions, onCreated: (id: string) => void = () => {}) {
  const password = randomBytes(6).toString('base64url') // 8 characters, all VncAuth uses
  const t0 = performance.now()
  const container = await o.docker.createContainer(baselineCreateBody(o, password))
  onCreated(container.id)
  const created = performance.now() - t0
  await container.start()
  const started = performance.now() - t0
  const info = await container.inspect()
  const ip = info.NetworkSettings.Networks[o.network]?.IPAddress
  if (!ip) throw new Error(`baseline container has no address on ${o.network}`)
  const banner = (await waitForBanner(ip, VNC_PORT, BANNER_POLL_MS, 60_000)) - t0
  return { container, ip, password, t0, created, started, banner }
}

/** One measured baseline launch; the container is removed afterwards (untimed). */
export async function baselineOnce(o: BaselineOptions): Promise<BaselineSample> {
  let id: string | undefined
  try {
    const s = await startBaseline(o, (created) => (id = created))
    const client = await directClient(s.ip, VNC_PORT)
    try {
      await client.handshake(s.password)
      const serverInit = performance.now() - s.t0
      const update = (await firstUpdate(client)) - s.t0
      return { created: s.created, started: s.started, banner: s.banner, serverInit, update }
    } finally {
      client.close()
    }
  } finally {
    if (id) await o.docker.getContainer(id).remove({ force: true, v: true })
  }
}
