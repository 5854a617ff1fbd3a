// RFB relay throughput: the same out-of-process client (stream-client.ts) pulling Raw full-screen
// updates through our gateway relay and through Debian's websockify, against one container.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../tests/support/platform'
import { sleep } from './vnc'

const CLIENT = fileURLToPath(new URL('./stream-client.ts', import.meta.url))
const CLK_TCK = 100 // USER_HZ on Linux

export type StreamResult = {
  bytes: number
  ms: number
  updates: number
  messages: number
  clientCpu: number
  width: number
  height: number
  mbPerS: number
  relayCpu: number
}
export type StreamTarget = {
  url: () => Promise<string>
  password: string | null
  /** CPU seconds used so far by whatever relays this target's traffic. */
  cpuSeconds: () => number
}

/** Runs one client process against `target`; relayCpu is the relay's CPU share (1 = one core) in the measured window. */
export async function streamOnce(
  target: StreamTarget,
  warmupMs: number,
  durationMs: number,
  onSpawn: (c: ChildProcess) => void,
): Promise<StreamResult> {
  const args = JSON.stringify({ url: await target.url(), password: target.password, warmupMs, durationMs })
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, args], { stdio: ['ignore', 'pipe', 'pipe'] })
  onSpawn(child)
  let stderr = ''
  child.stderr!.on('data', (d) => (stderr += d))
  let cpu0 = 0
  let cpu1 = 0
  let result: Omit<StreamResult, 'mbPerS' | 'relayCpu'> | undefined
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'MEASURE start') cpu0 = target.cpuSeconds()
    else if (line === 'MEASURE end') cpu1 = target.cpuSeconds()
    else if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7))
  }
  const code = await new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)))
  if (!result || code !== 0) throw new Error(`stream client failed (exit ${code}): ${stderr.trim()}`)
  return { ...result, mbPerS: result.bytes / 1e6 / (result.ms / 1000), relayCpu: (cpu1 - cpu0) / (result.ms / 1000) }
}

/** Debian's websockify in front of host:port; resolves once it accepts WebSocket connections. */
export async function startWebsockify(target: string, onSpawn: (c: ChildProcess) => void) {
  const port = await freePort()
  const proc = spawn('/usr/bin/websockify', [`127.0.0.1:${port}`, target], { stdio: ['ignore', 'pipe', 'pipe'] })
  onSpawn(proc)
  let log = ''
  proc.stdout!.on('data', (d) => (log += d))
  proc.stderr!.on('data', (d) => (log += d))
  const deadline = Date.now() + 10_000
  while (!(await accepts(port))) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`websockify did not start: ${log.trim()}`)
    await sleep(50)
  }
  return { url: `ws://127.0.0.1:${port}/`, proc, log: () => log }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port })
    sock.once('connect', () => (sock.destroy(), resolve(true)))
    sock.once('error', () => resolve(false))
  })
}

/**
 * CPU seconds of a process and its children (websockify forks one per connection): the process's own
 * and reaped children's time, plus live (or not yet reaped) children's own time.
 */
export function treeCpuSeconds(pid: number): number {
  let ticks = 0
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'latin1')
    } catch {
      continue // exited while we looked
    }
    // Fields after the parenthesised command: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17).
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number)
    if (Number(entry) === pid) ticks += f[11]! + f[12]! + f[13]! + f[14]!
    else if (f[1] === pid) ticks += f[11]! + f[12]!
  }
  return ticks / CLK_TCK
}
