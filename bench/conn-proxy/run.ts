// `npx tsx bench/conn-proxy/run.ts`: what the connection proxy costs on top of guacd, on this machine,
// with the real edge, the proxy daemon, guacd (tests/support/guacd.ts) and real sshd and Xvnc targets.
//  1. Click-to-first-frame, SSH and VNC: request_kasm → get_kasm_status → WebSocket → first drawing
//     instruction, next to a bare guacd connect (TCP, same settings) → first drawing instruction.
//  2. Relay vs a direct guacd connection: bytes/s of a terminal flooded with text, and key-echo latency.
//  3. RSS per idle connection in the proxy's worker.
//  4. Connection setup rate with cluster sizes 1 and 2.
// Prints a table, then one `BENCH_JSON {...}` line. guacd sessions are opened a few at a time (guacd-ci.md G8).
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startConnProxyProcess, type ConnProxyProcess } from '../../tests/support/conn-proxy-process'
import { GuacTestClient, keysym } from '../../tests/support/guac-client'
import { DirectGuacd } from '../../tests/support/guacd-direct'
import { startGuacd } from '../../tests/support/guacd'
import { startEdge } from '../../tests/support/platform'
import { startSshd, startXvnc } from '../../tests/support/targets'

const SSH_USER = { name: 'orielbench', password: 'Bench-Pass-1' }
const VNC_PASSWORD = 'vncpass1'
const DRAWING = new Set(['img', 'png', 'jpeg', 'webp', 'rect', 'cfill', 'copy', 'transfer'])
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const LAUNCHES = num('BENCH_PROXY_LAUNCHES', 6)
const ECHOES = num('BENCH_PROXY_ECHOES', 100)
const FLOOD_MS = num('BENCH_PROXY_FLOOD_MS', 5000)
const IDLE = num('BENCH_PROXY_IDLE', 20)
const SETUPS = num('BENCH_PROXY_SETUPS', 18)

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const r1 = (n: number) => Math.round(n * 10) / 10
/** The added echo latency is compared with 1 ms: one decimal would round 1.04 down to the target. */
const r2 = (n: number) => Math.round(n * 100) / 100
const progress = (m: string) => process.stdout.write(`  ${m}\n`)

/** Key presses as guacamole-common-js sends them. */
const keys = (send: (...e: unknown[]) => void, text: string) => {
  for (const ch of text) {
    send('key', keysym(ch), 1)
    send('key', keysym(ch), 0)
  }
}

async function main() {
  process.chdir(fileURLToPath(new URL('../..', import.meta.url)))
  const cleanups: (() => unknown)[] = []
  try {
    const [edge, guacd, ssh, vnc] = await Promise.all([startEdge(), startGuacd(), startSshd([SSH_USER]), startXvnc(VNC_PASSWORD)])
    cleanups.push(
      () => edge.close(),
      () => guacd.stop(),
      () => ssh.stop(),
      () => vnc.stop(),
    )
    const a = edge.adminToken
    const group = (await edge.api('create_group', { target_group: { name: 'bench', priority: 60 } }, a)).body.group.group_id
    // DLP set so guacd gets what the bare baseline sends it: no SFTP channel, clipboard on (no disable-* flags).
    for (const [name, value] of Object.entries({
      max_kasms_per_user: 0,
      allow_kasm_uploads: false,
      allow_kasm_downloads: false,
      allow_kasm_clipboard_up: true,
      allow_kasm_clipboard_down: true,
    }))
      await edge.api('update_settings_group', { target_group: { group_id: group }, target_setting: { name, value } }, a)
    const workspace = async (server: Record<string, unknown>) => {
      const s = await edge.api(
        'create_server',
        { target_server: { zone_name: 'default', connection_credential_type: 'STATIC', max_simultaneous_sessions: 100, ...server } },
        a,
      )
      const img = await edge.api(
        'create_image',
        { target_image: { friendly_name: `${server.name}`, image_type: 'Server', server_id: s.body.server.server_id } },
        a,
      )
      await edge.api('add_images_group', { target_group: { group_id: group }, target_image: { image_id: img.body.image.image_id } }, a)
      return img.body.image.image_id as string
    }
    const sshSettings = { hostname: ssh.host, port: String(ssh.port), username: SSH_USER.name, password: SSH_USER.password }
    const vncSettings = { hostname: vnc.host, port: String(vnc.port), password: VNC_PASSWORD }
    const sshImage = await workspace({
      name: 'bench-ssh',
      connection_type: 'SSH',
      ip_hostname: ssh.host,
      port: ssh.port,
      connection_username: SSH_USER.name,
      connection_password: SSH_USER.password,
    })
    const vncImage = await workspace({
      name: 'bench-vnc',
      connection_type: 'VNC',
      ip_hostname: vnc.host,
      port: vnc.port,
      connection_username: 'vnc',
      connection_password: VNC_PASSWORD,
    })
    const username = `bench-${Date.now()}@example.com`
    const u = await edge.api('create_user', { target_user: { username, password: 'bench-password-1' } }, a)
    await edge.api('add_user_group', { target_user: { user_id: u.body.user.user_id }, target_group: { group_id: group } }, a)
    const token = (await edge.api('login', { username, password: 'bench-password-1' })).body.token as string

    const proxies: ConnProxyProcess[] = []
    const onlyProxy = async (clusterSize: number) => {
      for (const p of proxies.splice(0)) await p.stop()
      for (const p of (await edge.api('get_connection_proxies', {}, a)).body.connection_proxies)
        await edge.api('delete_connection_proxy', { target_connection_proxy: { connection_proxy_id: p.connection_proxy_id } }, a)
      const p = await startConnProxyProcess(edge, { guacdPort: guacd.port, clusterSize })
      proxies.push(p)
      return p
    }
    cleanups.push(async () => {
      for (const p of proxies) await p.stop()
    })
    const stream = async (kasmId: string) => (await edge.api('get_kasm_status', { kasm_id: kasmId }, token)).body.kasm.stream
    const open = async (kasmId: string) => {
      const s = await stream(kasmId)
      return GuacTestClient.connect(`${s.url}?token=${encodeURIComponent(s.token)}`)
    }
    const launch = async (image: string) => (await edge.api('request_kasm', { image_id: image }, token)).body.kasm_id as string
    const firstDrawing = (c: GuacTestClient) => c.waitFor((x) => x.instructions.find((i) => DRAWING.has(i.opcode)), 15_000, 'drawing')

    await onlyProxy(1)
    // 1. Click-to-first-frame.
    const click: Record<string, { ours: number[]; bare: number[] }> = {}
    for (const [name, image, protocol, settings] of [
      ['ssh', sshImage, 'ssh', sshSettings],
      ['vnc', vncImage, 'vnc', vncSettings],
    ] as const) {
      click[name] = { ours: [], bare: [] }
      for (let i = 0; i < LAUNCHES; i++) {
        const t0 = performance.now()
        const kasmId = await launch(image)
        const c = await open(kasmId)
        await firstDrawing(c)
        click[name]!.ours.push(performance.now() - t0)
        await c.disconnect()
        await edge.api('destroy_kasm', { kasm_id: kasmId }, token)
        const t1 = performance.now()
        const d = await DirectGuacd.open(guacd, protocol, settings)
        await d.waitFor((op) => DRAWING.has(op))
        click[name]!.bare.push(performance.now() - t1)
        await d.close()
      }
      progress(`click-to-first-frame ${name}: ours p50 ${r1(p50(click[name]!.ours))} ms, bare guacd ${r1(p50(click[name]!.bare))} ms`)
    }

    // 2. Throughput and echo latency over one SSH session each way.
    const kasmId = await launch(sshImage)
    const viaProxy = async () => {
      const c = await open(kasmId)
      await c.waitForOpcode('sync')
      await sleep(1_000)
      let bytes = 0
      const arrivals: number[] = []
      // Stamped before the test client parses the message, as DirectGuacd stamps a read before parsing it: both
      // sides time the bytes' arrival, not the client's own parsing of what came with them.
      c.ws.prependListener('message', (m: Buffer) => ((bytes += m.length), arrivals.push(performance.now())))
      const firstAfter = (t: number) => arrivals.find((a) => a >= t)
      return { send: (...e: unknown[]) => c.send(...e), bytes: () => bytes, firstAfter, close: () => c.disconnect() }
    }
    const direct = async () => {
      const d = await DirectGuacd.open(guacd, 'ssh', sshSettings)
      await d.waitFor((op) => op === 'sync')
      await sleep(1_000)
      const start = d.bytes
      const firstAfter = (t: number) => d.instructions.find((i) => i.at >= t)?.at
      return { send: (...e: unknown[]) => d.send(...e), bytes: () => d.bytes - start, firstAfter, close: () => d.close() }
    }
    type Link = Awaited<ReturnType<typeof direct>>
    const echo = async (link: Link, i: number) => {
      const t = performance.now()
      keys(link.send, i % 2 ? '\b' : 'x')
      // The first bytes after the key press: the echo (the line is otherwise idle).
      const deadline = t + 2_000
      while (link.firstAfter(t) === undefined && performance.now() < deadline) await sleep(1)
      await sleep(60)
      return (link.firstAfter(t) ?? deadline) - t
    }
    const flood = async (link: Link) => {
      // Random text: a terminal scrolling identical lines repaints almost nothing (guacd diffs the screen).
      keys(link.send, 'clear; base64 /dev/urandom\n')
      await sleep(1_000)
      const b0 = link.bytes()
      await sleep(FLOOD_MS)
      const rate = ((link.bytes() - b0) / FLOOD_MS) * 1000
      link.send('key', 0xffe3, 1)
      keys(link.send, 'c')
      link.send('key', 0xffe3, 0)
      await sleep(500)
      await link.close()
      return rate
    }
    // Echoes alternate between a direct and a proxied session open side by side, so both meet the same machine state.
    const echoes = { direct: [] as number[], proxy: [] as number[] }
    const pair = { direct: await direct(), proxy: await viaProxy() }
    for (let i = 0; i < ECHOES; i++) for (const k of ['direct', 'proxy'] as const) echoes[k].push(await echo(pair[k], i))
    await Promise.all([pair.direct.close(), pair.proxy.close()])
    const rates = { direct: [] as number[], proxy: [] as number[] }
    for (let round = 0; round < 3; round++) {
      rates.direct.push(await flood(await direct()))
      rates.proxy.push(await flood(await viaProxy()))
    }
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length
    const throughputRatio = mean(rates.proxy) / mean(rates.direct)
    const addedLatency = p50(echoes.proxy) - p50(echoes.direct)
    progress(`relay throughput ${r1(throughputRatio * 100)} % of direct; echo p50 added ${r2(addedLatency)} ms`)

    // 3. RSS per idle connection, in a fresh proxy's worker (the flood's garbage would be collected mid-count),
    // warmed by a few connections first so JIT and module state are not counted as per-connection.
    const fresh = await onlyProxy(1)
    const worker = workersOf(fresh.child.pid!)[0]!
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${worker}/status`, 'utf8'))![1]) * 1024
    const vncKasm = await launch(vncImage)
    for (let i = 0; i < 3; i++) {
      const c = await open(vncKasm)
      await firstDrawing(c)
      await c.disconnect()
    }
    await sleep(2_000)
    const before = rss()
    const idle: GuacTestClient[] = []
    for (let i = 0; i < IDLE; i++) {
      const c = await open(vncKasm)
      await firstDrawing(c)
      idle.push(c)
    }
    await sleep(3_000)
    const rssPerIdle = (rss() - before) / IDLE
    for (const c of idle) await c.disconnect()
    progress(`RSS per idle connection ${r1(rssPerIdle / 1024)} KiB`)

    // 4. Setup rate, cluster sizes 1 and 2, three connections in flight.
    const setupRate: Record<string, number> = {}
    for (const size of [1, 2]) {
      await onlyProxy(size)
      let left = SETUPS
      const t0 = performance.now()
      await Promise.all(
        [0, 1, 2].map(async () => {
          while (left-- > 0) {
            const c = await open(kasmId)
            await c.waitForOpcode('sync')
            await c.disconnect()
          }
        }),
      )
      setupRate[`cluster_${size}`] = SETUPS / ((performance.now() - t0) / 1000)
      progress(`setup rate, cluster size ${size}: ${r1(setupRate[`cluster_${size}`]!)} connections/s`)
    }

    const figures = {
      click_to_first_frame_ms: Object.fromEntries(
        Object.entries(click).map(([k, v]) => [k, { ours_p50: r1(p50(v.ours)), bare_guacd_p50: r1(p50(v.bare)) }]),
      ),
      relay: {
        throughput_ratio: Math.round(throughputRatio * 1000) / 1000,
        direct_bytes_per_s: Math.round(mean(rates.direct)),
        proxy_bytes_per_s: Math.round(mean(rates.proxy)),
        echo_p50_direct_ms: r2(p50(echoes.direct)),
        echo_p50_proxy_ms: r2(p50(echoes.proxy)),
        added_latency_p50_ms: r2(addedLatency),
      },
      rss_per_idle_connection_kib: r1(rssPerIdle / 1024),
      setup_rate_per_s: Object.fromEntries(Object.entries(setupRate).map(([k, v]) => [k, r1(v)])),
    }
    console.log('\nConnection proxy (bench/conn-proxy/run.ts)')
    console.log(JSON.stringify(figures, null, 2))
    console.log(`BENCH_JSON ${JSON.stringify({ conn_proxy: figures })}`)
  } finally {
    for (const f of cleanups.reverse())
      await Promise.resolve()
        .then(f)
        .catch((e) => console.error('cleanup:', e))
  }
}

/** The proxy primary's worker processes (node:cluster children). */
function workersOf(pid: number): number[] {
  const out: number[] = []
  for (const t of readdirSync(`/proc/${pid}/task`))
    out.push(...readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number))
  return out
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
