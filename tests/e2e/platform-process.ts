// The platform as its own process, as a user runs it: `npm start` (which execs node on the edge's
// main.ts) or that program directly; edge, database handle and local agent in one process.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { createDockerodePort } from '../../agent/src/docker/docker-port'
import { waitFor } from '../support/platform'

export type PlatformProcess = {
  child: ChildProcess
  /** Resolves with the exit signal or code. */
  exited: Promise<NodeJS.Signals | number | null>
  output: () => string
  url: string
  api: (verb: string, body: Record<string, unknown>, token?: string) => Promise<{ status: number; body: any; headers: Headers }>
}

export async function startPlatformProcess(o: {
  via: 'npm' | 'node'
  port: number
  env: Record<string, string>
}): Promise<PlatformProcess> {
  const [cmd, args] = o.via === 'npm' ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', 'standalone/src/main.ts']]
  const child = spawn(cmd, args as string[], { detached: true, env: { ...process.env, PORT: String(o.port), ...o.env } })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<NodeJS.Signals | number | null>((r) => child.once('exit', (code, signal) => r(signal ?? code)))
  await waitFor(
    async () => out.includes('Oriel is running') || child.exitCode !== null || child.signalCode !== null,
    180_000,
    'the platform to start',
  )
  if (!out.includes('Oriel is running')) throw new Error(`the platform did not start: ${out}`)
  const url = `http://127.0.0.1:${o.port}`
  const api = async (verb: string, body: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${url}/api/public/${verb}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers }
  }
  return { child, exited, output: () => out, url, api }
}

/** A process and all its descendants, read from /proc (children of every thread). */
export function processTree(pid: number): number[] {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    let tasks: string[] = []
    try {
      tasks = readdirSync(`/proc/${out[i]}/task`)
    } catch {
      continue
    }
    for (const t of tasks) {
      try {
        for (const c of readFileSync(`/proc/${out[i]}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) out.push(Number(c))
      } catch {}
    }
  }
  return out
}

/** Running, not a zombie (an orphan's zombie lingers where nothing reaps it). */
export const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] !== 'Z'
  } catch {
    return false
  }
}

/** Ends whatever is left of a test's platform (its whole process group). */
export async function killPlatform(p: PlatformProcess | undefined, signal: NodeJS.Signals = 'SIGKILL') {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return
  try {
    process.kill(-p.child.pid!, signal)
  } catch {}
  await p.exited
}

/**
 * Removes what a test of the platform's process leaves, after its file: the platform (its process group, with
 * `signal`), the local agent's session containers (which outlive the platform by design), the session network,
 * and the data folder.
 */
export async function removePlatformLeftovers(o: {
  platform: PlatformProcess | undefined
  signal?: NodeJS.Signals
  agentId: string | undefined
  network: string
  dataDir: string
}) {
  await killPlatform(o.platform, o.signal)
  const docker = createDockerodePort({ socketPath: '/var/run/docker.sock' })
  if (o.agentId) for (const c of await docker.listManaged(o.agentId)) await docker.remove(c.containerId)
  await docker.removeSessionNetwork(o.network).catch(() => {})
  rmSync(o.dataDir, { recursive: true, force: true })
}

/**
 * The printed accounts signed in, once the local agent is online: tokens, the agent's id as Docker
 * labels carry it (dashed), and the reference desktop's image id.
 */
export async function signInWithLocalAgent(p: PlatformProcess, passwords: { admin: string; user: string }) {
  const admin = (await p.api('login', { username: 'admin@kasm.local', password: passwords.admin })).body.token as string
  const user = (await p.api('login', { username: 'user@kasm.local', password: passwords.user })).body.token as string
  const online = async () =>
    ((await p.api('get_agents', {}, admin)).body.agents as { agent_id: string; status: string }[]).find((a) => a.status === 'online')
  await waitFor(async () => (await online()) !== undefined, 30_000, 'the local agent')
  const agentId = (await online())!.agent_id.replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')
  const desktop = ((await p.api('get_images', {}, user)).body.images as { friendly_name: string; image_id: string }[]).find(
    (i) => i.friendly_name === 'Debian Desktop',
  )
  if (!desktop) throw new Error('the reference desktop is not offered')
  return { admin, user, agentId, imageId: desktop.image_id }
}
