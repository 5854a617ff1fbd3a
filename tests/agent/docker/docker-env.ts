// Shared helpers for the Docker layer tests: the real engine, the real workspace image, and
// probes that look at the result from outside the adapter (raw TCP, the bridge's addresses; the docker CLI
// is tests/support/docker-cli.ts, shared with the end-to-end tests).
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { DockerPort } from '../../../agent/src/docker/docker-port'
import type { SessionSpec } from '../../../agent/src/docker/session-spec'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export const DESKTOP_IMAGE = 'oriel/desktop:1.0'
export const DOCKER_SOCKET = '/var/run/docker.sock'
/** The first build of the image takes about a minute, loading it from the cache a few seconds. */
export const DOCKER_SETUP_TIMEOUT_MS = 600_000

/** Starts dockerd if needed and makes sure the desktop image is there (built or loaded from cache). */
export async function prepareDocker(): Promise<void> {
  const opts = { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: DOCKER_SETUP_TIMEOUT_MS - 10_000 }
  await run('bash', ['scripts/start-dockerd.sh'], opts)
  await run('bash', ['scripts/ensure-workspace-image.sh'], opts)
}

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`

/** A session request for the desktop image; tests override what they look at. */
export function aSessionSpec(overrides: Partial<SessionSpec> = {}): SessionSpec {
  return {
    kasmId: uniqueId('kasm'),
    userId: 'user-1',
    username: 'alice',
    imageId: 'image-1',
    image: DESKTOP_IMAGE,
    cores: 0.5,
    memoryBytes: 768 * 1024 ** 2,
    gpuCount: 0,
    runConfig: {},
    persistentProfilePath: null,
    volumeMappings: {},
    profileMode: 'Enabled',
    environment: {},
    clientLanguage: null,
    clientTimezone: null,
    kasmUrl: null,
    vncPassword: 'secret12',
    agentId: 'agent-test',
    ...overrides,
  }
}

/**
 * The first 12 bytes a VNC server sends, polled until it answers. A TCP connect alone proves
 * nothing: only the banner shows Xvnc is up.
 */
export async function rfbBanner(host: string, port = 5901, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await readBanner(host, port)
    } catch (err) {
      if (Date.now() > deadline) throw err
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function readBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 2_000 })
    let data = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk])
      if (data.length >= 12) {
        socket.destroy()
        resolve(data.subarray(0, 12).toString('latin1'))
      }
    })
    socket.on('timeout', () => socket.destroy(new Error(`no banner from ${host}:${port}`)))
    socket.on('error', reject)
    socket.on('close', () => reject(new Error(`${host}:${port} closed before the banner`)))
  })
}

/**
 * Tries a TCP connection from inside a session with bash's /dev/tcp (the image has no nc/curl).
 * Exit code 0 = connected, 124 = timed out (dropped), anything else = refused/unreachable.
 */
export async function tcpFromSession(docker: DockerPort, containerId: string, host: string, port: number, seconds = 3) {
  return docker.exec(containerId, ['timeout', String(seconds), 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`])
}

/** The bridge's IPv4 address (the session's gateway) and its IPv6 link-local address. */
export async function bridgeAddresses(bridge: string): Promise<{ ipv4: string; linkLocal: string | undefined }> {
  const [link] = JSON.parse((await run('ip', ['-j', 'addr', 'show', 'dev', bridge])).stdout) as {
    addr_info: { family: string; local: string; scope: string }[]
  }[]
  const ipv4 = link?.addr_info.find((a) => a.family === 'inet')?.local
  if (!ipv4) throw new Error(`bridge ${bridge} has no IPv4 address`)
  return { ipv4, linkLocal: link?.addr_info.find((a) => a.family === 'inet6' && a.scope === 'link')?.local }
}
