// The connection proxy daemon as deployed (`npm run conn-proxy`, conn-proxy/src/main.ts) against a real
// edge and a real guacd: it enrols with a zone token, beats with its load, serves /health from
// `--cluster-size` workers on one port only while guacd answers, replaces a dead worker, keeps its
// identity across restarts, and stops on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectionProxies } from '#schema'
import { startGuacd, type Guacd } from '../support/guacd'
import { freePort, registrationToken, startEdge, waitFor, type Edge } from '../support/platform'

let edge: Edge
let guacd: Guacd
const children: ChildProcess[] = []

beforeAll(async () => {
  ;[edge, guacd] = await Promise.all([startEdge(), startGuacd()])
}, 900_000)
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(-c.pid, 'SIGKILL')
  guacd?.stop()
  await edge?.close()
})

type Run = { child: ChildProcess; port: number; exited: Promise<{ code: number | null; stderr: string }> }

/** `node conn-proxy/src/main.ts` in its own process group, with the given flags and variables. */
function runProxy(args: string[], env: Record<string, string>, port: number): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'conn-proxy/src/main.ts', ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ORIEL_EDGE_URL: edge.url, ORIEL_PROXY_PUBLIC_URL: `http://127.0.0.1:${port}`, ...env },
  })
  children.push(child)
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  // Bounded: a proxy that does not stop within the stop deadline fails the test instead of hanging it.
  const exited = new Promise<{ code: number | null; stderr: string }>((r) => {
    child.on('exit', (code) => r({ code, stderr }))
    setTimeout(() => r({ code: -1, stderr: `still running after 20 s: ${stderr}` }), 20_000).unref()
  })
  return { child, port, exited }
}

/** GET /health on a fresh connection each time (keep-alive would pin every request to one worker). */
const health = (port: number) =>
  new Promise<{ status: number; body: { ok: boolean; guacd: { ok: boolean; version?: string; error?: string }; worker: number } }>(
    (resolve, reject) =>
      request({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 5_000 }, (res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }))
      })
        .on('error', reject)
        .on('timeout', function (this: ReturnType<typeof request>) {
          this.destroy(new Error('no answer within 5 s'))
        })
        .end(),
  )
const workersAnswering = async (port: number, tries = 30) =>
  new Set((await Promise.all(Array.from({ length: tries }, () => health(port)))).map((h) => h.body.worker))
const proxyRow = async (name: string) => (await edge.db.select().from(connectionProxies).where(eq(connectionProxies.name, name)))[0]

describe('the conn-proxy daemon', () => {
  it('enrols, beats, serves /health from each worker while guacd answers, replaces a dead worker, and stops on SIGTERM', async () => {
    const port = await freePort()
    const dataDir = mkdtempSync(join(tmpdir(), 'oriel-proxy-'))
    const name = `proxy-${port}`
    const env = { ORIEL_PROXY_DATA_DIR: dataDir, GUACD_PORT: String(guacd.port), ORIEL_PROXY_NAME: name }
    const token = await registrationToken(edge)
    const run = runProxy(['--cluster-size', '2', '--listen-port', String(port), '--token', token], env, port)

    await waitFor(async () => (await proxyRow(name)) !== undefined, 60_000, 'the proxy to enrol')
    await waitFor(async () => (await health(port).catch(() => undefined))?.status === 200, 30_000, 'the workers to listen')
    const first = (await proxyRow(name))!
    expect(first).toMatchObject({ clusterSize: 2, status: 'online', enabled: true })

    // Both workers answer, with guacd's health as the primary last probed it.
    const h = await health(port)
    expect(h.body.guacd).toEqual({ ok: true, version: 'VERSION_1_3_0' })
    let workers = new Set<number>()
    await waitFor(async () => (workers = await workersAnswering(port)).size === 2, 30_000, 'both workers to answer')

    // Heartbeats keep coming (every 5 s), each with the machine's CPU use.
    await waitFor(async () => (await proxyRow(name))!.lastSeenAt! > first.lastSeenAt!, 15_000, 'a second heartbeat')
    expect((await proxyRow(name))!.cpuPercent).toBeGreaterThanOrEqual(0)

    // A worker killed is replaced; the port keeps answering meanwhile.
    const [victim] = workers
    process.kill(victim!, 'SIGKILL')
    await waitFor(
      async () => {
        // A connection handed to the killed worker before the primary saw it die is lost: ask again.
        const now = await workersAnswering(port).catch(() => new Set<number>())
        return now.size === 2 && !now.has(victim!)
      },
      30_000,
      'a replacement worker',
    )

    // guacd gone: the proxy says it is unhealthy, so the edge will not choose it.
    guacd.stop()
    // Within one probe interval (5 s) and the probe's own 2 s timeout.
    await waitFor(async () => (await health(port)).status === 503, 10_000, '/health to answer 503')
    const down = await health(port)
    expect([down.status, down.body.ok, down.body.guacd.ok]).toEqual([503, false, false])

    process.kill(run.child.pid!, 'SIGTERM')
    const started = Date.now()
    expect((await run.exited).code).toBe(0)
    expect(Date.now() - started).toBeLessThan(8_000)
    await expect(health(port)).rejects.toThrow(/ECONNREFUSED/)

    // Restarted without a token: the same identity, no second row.
    const again = runProxy(['--cluster-size', '1', '--listen-port', String(port)], env, port)
    await waitFor(async () => (await health(port).catch(() => undefined)) !== undefined, 30_000, 'the restarted proxy')
    expect((await edge.db.select().from(connectionProxies).where(eq(connectionProxies.name, name))).length).toBe(1)
    process.kill(again.child.pid!, 'SIGTERM')
    expect((await again.exited).code).toBe(0)
  })

  it('refuses to start with a bad token, a missing setting or an unknown flag, and says why', async () => {
    const port = await freePort()
    const fresh = () => ({ ORIEL_PROXY_DATA_DIR: mkdtempSync(join(tmpdir(), 'oriel-proxy-')), GUACD_PORT: String(guacd.port) })
    const badToken = await runProxy(['--token', 'x'.repeat(40), '--listen-port', String(port)], fresh(), port).exited
    expect(badToken).toEqual({ code: 1, stderr: expect.stringContaining('Invalid, expired or revoked registration token') })
    const noToken = await runProxy(['--listen-port', String(port)], fresh(), port).exited
    expect(noToken).toEqual({ code: 1, stderr: expect.stringContaining('ORIEL_PROXY_TOKEN is required for the first start') })
    const badSize = await runProxy(['--cluster-size', '0'], fresh(), port).exited
    expect(badSize).toEqual({ code: 1, stderr: expect.stringContaining('ORIEL_PROXY_CLUSTER_SIZE must be a whole number from 1 to 64') })
    const unknown = await runProxy(['--zone', 'z'], fresh(), port).exited
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/Unknown option '--zone'/)
    expect(await edge.db.$count(connectionProxies)).toBe(1)
  })
})
