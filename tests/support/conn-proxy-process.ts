// The connection proxy as deployed (`conn-proxy/src/main.ts`, its own process group), enrolled in a
// test edge's default zone; shared by the end-to-end tests and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, registrationToken, waitFor, type Edge } from './platform'

export type ConnProxyProcess = {
  child: ChildProcess
  port: number
  url: string
  name: string
  stderr: () => string
  /** SIGKILL to the whole group: the primary and its workers die at once, as with a lost host. */
  kill: () => void
  stop: () => Promise<void>
}

/** Starts a proxy and waits until its /health answers 200 (enrolled, workers listening, guacd probed). */
export async function startConnProxyProcess(
  edge: Edge,
  o: { guacdPort: number; clusterSize?: number; name?: string; env?: Record<string, string> },
): Promise<ConnProxyProcess> {
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'oriel-proxy-'))
  const name = o.name ?? `proxy-${port}`
  const child = spawn(process.execPath, ['--import', 'tsx', 'conn-proxy/src/main.ts'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ORIEL_EDGE_URL: edge.url,
      ORIEL_PROXY_TOKEN: await registrationToken(edge),
      ORIEL_PROXY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      ORIEL_PROXY_LISTEN_PORT: String(port),
      ORIEL_PROXY_DATA_DIR: dataDir,
      ORIEL_PROXY_NAME: name,
      ORIEL_PROXY_CLUSTER_SIZE: String(o.clusterSize ?? 1),
      GUACD_PORT: String(o.guacdPort),
      ...o.env,
    },
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const url = `http://127.0.0.1:${port}`
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`the proxy exited: ${stderr}`)
      return (await fetch(`${url}/health`).catch(() => null))?.status === 200
    },
    60_000,
    `proxy ${name} to answer its health check`,
  )
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {}
  }
  return {
    child,
    port,
    url,
    name,
    stderr: () => stderr,
    kill,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        process.kill(-child.pid!, 'SIGTERM')
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
        kill()
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
