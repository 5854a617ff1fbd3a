// Reaching a container's VNC server straight from the host: banner readiness and a direct test client.
import net from 'node:net'
import { RfbTestClient } from '../../tests/support/rfb/client'
import type { ByteQueue } from '../../tests/support/rfb/byte-queue'

export const VNC_PORT = 5901
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * Polls host:port every `intervalMs` until the RFB banner arrives (a TCP accept alone is not
 * readiness: docs/architecture.md#docker-readiness). Resolves with the time the banner was seen.
 */
export async function waitForBanner(host: string, port: number, intervalMs: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const at = await bannerOnce(host, port)
    if (at !== null) return at
    if (performance.now() > deadline) throw new Error(`no RFB banner from ${host}:${port} within ${timeoutMs} ms`)
    await sleep(intervalMs)
  }
}

function bannerOnce(host: string, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port })
    let got = ''
    const done = (at: number | null) => {
      sock.destroy()
      resolve(at)
    }
    sock.setTimeout(1000, () => done(null))
    sock.on('data', (d) => {
      got += d.toString('latin1')
      if (got.length >= 12) done(got.startsWith('RFB 003.008') ? performance.now() : null)
    })
    sock.on('error', () => done(null))
    sock.on('close', () => done(null))
  })
}

type ClientCtor = new (write: (b: Buffer) => void, shut: () => void, closed: Promise<{ code: number }>) => RfbTestClient

/**
 * RfbTestClient.direct, but to any host: the test client's `direct` only dials 127.0.0.1 and the
 * container publishes no port (a forwarder or docker-proxy would add a hop the agent does not have).
 * Mirrors `direct` line for line through the private constructor and queue.
 */
export async function directClient(host: string, port: number): Promise<RfbTestClient> {
  const sock = net.connect({ host, port })
  sock.setNoDelay(true)
  const closed = new Promise<{ code: number }>((r) => sock.on('close', () => r({ code: 0 })))
  const client = new (RfbTestClient as unknown as ClientCtor)(
    (b) => sock.write(b),
    () => sock.destroy(),
    closed,
  )
  const queue = (client as unknown as { queue: ByteQueue }).queue
  sock.on('data', (d) => queue.push(d))
  sock.on('error', () => {})
  void closed.then(() => queue.end(new Error('connection closed')))
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => resolve())
    sock.once('error', reject)
  })
  return client
}

/** Requests a full update and resolves when the first FramebufferUpdate has been read whole. */
export async function firstUpdate(client: RfbTestClient, ms = 20_000): Promise<number> {
  const from = client.messages.length
  client.requestUpdate(false)
  await client.waitFor((m) => m.type === 'update', ms, from)
  return performance.now()
}
