// Session isolation on a real engine: sessions cannot reach each other (enable_icc=false) nor any
// host service (our INPUT rules), the host still reaches their VNC port, and egress still works.
import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDockerodePort, type DockerPort } from '../../../agent/src/docker/docker-port'
import { isolateSessionBridge, isolationChain, removeIsolation } from '../../../agent/src/docker/isolation'
import {
  aSessionSpec,
  bridgeAddresses,
  DOCKER_SETUP_TIMEOUT_MS,
  DOCKER_SOCKET,
  prepareDocker,
  rfbBanner,
  tcpFromSession,
  uniqueId,
} from './docker-env'

const run = promisify(execFile)
const network = uniqueId('oriel-test-iso')
const agentId = uniqueId('agent')
const created: string[] = []
const servers: Server[] = []
let docker: DockerPort
let bridge: string
let a: { containerId: string; ip: string }
let b: { containerId: string; ip: string }

/** The seed's VPN Run Config: it also turns IPv6 on inside the session, which opens a link-local path to the host. */
const VPN_RUN_CONFIG = {
  cap_add: ['NET_ADMIN'],
  devices: ['/dev/net/tun:/dev/net/tun'],
  sysctls: { 'net.ipv6.conf.all.disable_ipv6': '0' },
}

async function startSession(runConfig: Record<string, unknown> = {}) {
  const { containerId } = await docker.createSession(aSessionSpec({ agentId, runConfig }), { network })
  created.push(containerId)
  await docker.startSession(containerId)
  const ip = await docker.sessionAddress(containerId, network)
  await rfbBanner(ip)
  return { containerId, ip }
}

/** A TCP server on the host; counts the connections it accepts. */
async function hostServer(host: '0.0.0.0' | '::'): Promise<{ port: number; accepted: () => number }> {
  let accepted = 0
  const server = createServer((socket) => {
    accepted++
    socket.destroy()
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen({ host, port: 0, ipv6Only: host === '::' }, resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('server has no port')
  return { port: address.port, accepted: () => accepted }
}

const inputJumps = async (bin: string) =>
  (await run(bin, ['-w', '-S', 'INPUT'])).stdout.split('\n').filter((l) => l.includes(`-j ${isolationChain(bridge)}`))

beforeAll(async () => {
  await prepareDocker()
  docker = createDockerodePort({ socketPath: DOCKER_SOCKET })
  ;({ bridge } = await docker.ensureSessionNetwork(network))
  ;[a, b] = await Promise.all([startSession(), startSession(VPN_RUN_CONFIG)])
}, DOCKER_SETUP_TIMEOUT_MS)

afterAll(async () => {
  for (const s of servers) s.close()
  for (const id of created) await docker.remove(id)
  await docker.removeSessionNetwork(network)
}, 60_000)

describe('session isolation', () => {
  it('installs the host firewall once, however often the network is ensured', async () => {
    expect((await docker.ensureSessionNetwork(network)).bridge).toBe(bridge)
    await isolateSessionBridge(bridge)
    for (const bin of ['iptables', 'ip6tables']) {
      expect(await inputJumps(bin)).toEqual([`-A INPUT -i ${bridge} -j ${isolationChain(bridge)}`])
      const chain = (await run(bin, ['-w', '-S', isolationChain(bridge)])).stdout.trim().split('\n')
      expect(chain.slice(1)).toEqual([
        `-A ${isolationChain(bridge)} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
        `-A ${isolationChain(bridge)} -j DROP`,
      ])
    }
  })

  it('lets the host reach each session’s VNC port', async () => {
    expect(await rfbBanner(a.ip)).toBe('RFB 003.008\n')
    expect(await rfbBanner(b.ip)).toBe('RFB 003.008\n')
  })

  it('keeps sessions from reaching each other', async () => {
    // Control: the probe itself works (a session reaching its own VNC port).
    expect((await tcpFromSession(docker, a.containerId, a.ip, 5901)).exitCode).toBe(0)
    expect((await tcpFromSession(docker, a.containerId, b.ip, 5901)).exitCode).toBe(124)
    expect((await tcpFromSession(docker, b.containerId, a.ip, 5901)).exitCode).toBe(124)
  }, 30_000)

  it('keeps sessions from reaching host services on 0.0.0.0 and [::], until the rules are removed', async () => {
    const v4 = await hostServer('0.0.0.0')
    const v6 = await hostServer('::')
    const { ipv4, linkLocal } = await bridgeAddresses(bridge)
    expect(linkLocal).toBeDefined()
    const probeAll = () =>
      Promise.all([
        tcpFromSession(docker, a.containerId, ipv4, v4.port),
        tcpFromSession(docker, b.containerId, ipv4, v4.port),
        // Only b enabled IPv6 (the VPN run config): its link-local route to the bridge is the way in.
        tcpFromSession(docker, b.containerId, `${linkLocal}%eth0`, v6.port),
      ]).then((results) => results.map((r) => r.exitCode))

    expect(await probeAll()).toEqual([124, 124, 124])
    expect([v4.accepted(), v6.accepted()]).toEqual([0, 0])

    // Control: without our rules Docker alone lets every one of these through.
    await removeIsolation(bridge)
    try {
      expect(await probeAll()).toEqual([0, 0, 0])
      expect([v4.accepted(), v6.accepted()]).toEqual([2, 1])
    } finally {
      await isolateSessionBridge(bridge)
    }
    expect(await probeAll()).toEqual([124, 124, 124])
  }, 60_000)

  it('still lets sessions reach the outside world (DNS and TCP through MASQUERADE)', async () => {
    // This sandbox's egress proxy sometimes answers a first request with an empty reply: allow a retry.
    let result = { exitCode: -1, output: '' }
    for (let attempt = 0; attempt < 3 && result.exitCode !== 0; attempt++) {
      result = await tcpFromSession(docker, a.containerId, 'deb.debian.org', 80, 10)
    }
    expect(result).toEqual({ exitCode: 0, output: '' })
  }, 60_000)

  it('runs the VPN Run Config for real: tun device and IPv6 sysctl are in the session', async () => {
    const r = await docker.exec(b.containerId, ['sh', '-c', 'test -c /dev/net/tun && cat /proc/sys/net/ipv6/conf/all/disable_ipv6'])
    expect(r).toEqual({ exitCode: 0, output: '0\n' })
  })
})
