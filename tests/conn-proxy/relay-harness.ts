// The relay as a worker runs it, in-process: the worker's HTTP server with the WebSocket relay, a real
// guacd (container), real sshd and Xvnc on the host, and a token verifier built from the test edge key.
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeJwt, type JWK } from 'jose'
import { createTokenVerifier, EdgeError, loadIdentity, silentLogger } from '#daemon-kit'
import type { DlpFlags, EdgeTokenType, ProxyConnectAnswer } from '#schema'
import { createProxyServer, createRelay } from '../../conn-proxy/src/index'
import { TEST_EDGE_SIGNING_KEY } from '../support/constants'
import { signTestEdgeToken } from '../support/edge-token'
import { guacdLogs, startGuacd } from '../support/guacd'
import { startSshd, startXvnc } from '../support/targets'

export const PROXY_ID = '7d7f8a52-0a3e-4c1b-9d55-3f1b2c4d5e6f'
export const SSH_USER = { name: 'orieltest', password: 'Sp1ke-Pass' }
/** Non-ASCII (and astral) characters: guacamole-lite's own token path would mangle them (D5). */
export const UMLAUT_USER = { name: 'orielumlaut', password: 'Pässwörd-1€😀' }
export const VNC_PASSWORD = 'vncpass1'
export const ALL_DLP: DlpFlags = { clipboard_up: true, clipboard_down: true, uploads: true, downloads: true, printing: true }
export const NO_DLP: DlpFlags = { clipboard_up: false, clipboard_down: false, uploads: false, downloads: false, printing: false }

/** guacd 1.3.0 logs this line once per connection it accepts. */
export const guacdConnections = (name: string) => guacdLogs(name).split('Creating new client for protocol').length - 1

/**
 * A TCP hop between the relay and guacd that cuts every guacd chunk holding a multi-byte UTF-8
 * character in the middle of that character, 20 ms apart: the fragmentation D6 is about, which loopback
 * rarely produces by itself. Only chunks with non-ASCII bytes are touched (images are base64).
 */
async function startUtf8Splitter(target: { host: string; port: number }) {
  let splits = 0
  const sockets = new Set<Socket>()
  const server = createServer((relaySide) => {
    const guacdSide = connect(target)
    for (const s of [relaySide, guacdSide]) {
      sockets.add(s)
      s.setNoDelay(true)
      s.on('error', () => (relaySide.destroy(), guacdSide.destroy()))
      s.on('close', () => (relaySide.destroy(), guacdSide.destroy(), sockets.delete(s)))
    }
    relaySide.pipe(guacdSide)
    let queue = Promise.resolve()
    guacdSide.on('data', (chunk: Buffer) => {
      const lead = chunk.findIndex((b) => b >= 0xc0)
      queue = queue.then(async () => {
        if (lead === -1) return void relaySide.write(chunk)
        splits++
        relaySide.write(chunk.subarray(0, lead + 1))
        await new Promise((r) => setTimeout(r, 20))
        relaySide.write(chunk.subarray(lead + 1))
      })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as { port: number }).port,
    splits: () => splits,
    stop: () => (sockets.forEach((s) => s.destroy()), server.close()),
  }
}

export async function startRelayHarness(o: { splitUtf8?: boolean } = {}) {
  const guacd = await startGuacd()
  const splitter = o.splitUtf8 ? await startUtf8Splitter(guacd) : undefined
  const [ssh, vnc] = await Promise.all([startSshd([SSH_USER, UMLAUT_USER]), startXvnc(VNC_PASSWORD)])
  const dataDir = mkdtempSync(join(tmpdir(), 'oriel-proxy-relay-'))
  const identity = await loadIdentity(dataDir, 'proxy')
  const { d: _private, ...edgePublic } = JSON.parse(TEST_EDGE_SIGNING_KEY) as JWK & { x: string }
  identity.saveEnrolment(PROXY_ID, { keys: [{ ...edgePublic, kid: `edge-${edgePublic.x.slice(0, 16)}` }] })
  const verifier = createTokenVerifier(identity)

  // A test-local redeem, standing in for the edge's POST /api/proxy/connect (being written elsewhere):
  // the answers the test registered, by the token's one-time id, each handed out once as the edge does.
  const answers = new Map<string, ProxyConnectAnswer>()
  const redeemed: string[] = []
  const redeem = async (token: string) => {
    const jti = String(decodeJwt(token).jti)
    redeemed.push(jti)
    const answer = answers.get(jti)
    if (!answer) throw new EdgeError(409, 'This connect token was already used')
    answers.delete(jti)
    return answer
  }
  const counts: number[] = []
  const relay = createRelay({
    guacd: splitter ? { host: '127.0.0.1', port: splitter.port } : { host: guacd.host, port: guacd.port },
    verify: (token) => verifier(token, 'connect'),
    redeem,
    log: silentLogger,
    onCount: (n) => counts.push(n),
  })
  const server = createProxyServer({
    host: '127.0.0.1',
    port: 0,
    guacdHealth: () => ({ ok: true, version: 'VERSION_1_3_0' }),
    log: silentLogger,
    relay,
  })
  const port = await server.listen()

  /** A connect token for `answer` (registered for the test redeem); `sign` changes what is signed. */
  async function tokenFor(
    answer: Partial<ProxyConnectAnswer> & Pick<ProxyConnectAnswer, 'protocol' | 'settings'>,
    sign: { audience?: string; now?: Date; typ?: EdgeTokenType; register?: boolean } = {},
  ) {
    const full: ProxyConnectAnswer = {
      kasm_id: randomUUID(),
      user_id: 'user-1',
      dlp: ALL_DLP,
      view_only: false,
      prompt: [],
      ...answer,
    }
    const jti = randomUUID()
    const claims = { sub: full.user_id, kasm_id: full.kasm_id, dlp: full.dlp, view_only: full.view_only, jti }
    const token = await signTestEdgeToken(sign.typ ?? 'connect', claims, sign.audience ?? PROXY_ID, sign.now)
    if (sign.register !== false) answers.set(jti, full)
    return { token, answer: full }
  }

  return {
    guacd,
    splits: () => splitter?.splits() ?? 0,
    ssh,
    vnc,
    relay,
    counts,
    redeemed,
    tokenFor,
    url: (token: string, query = '') => `ws://127.0.0.1:${port}/guac/connect?token=${encodeURIComponent(token)}${query}`,
    base: `ws://127.0.0.1:${port}`,
    sshSettings: (user = SSH_USER, extra: Record<string, string> = {}) => ({
      hostname: ssh.host,
      port: String(ssh.port),
      username: user.name,
      password: user.password,
      ...extra,
    }),
    vncSettings: (extra: Record<string, string> = {}) => ({ hostname: vnc.host, port: String(vnc.port), password: VNC_PASSWORD, ...extra }),
    async stop() {
      await server.close()
      splitter?.stop()
      guacd.stop()
      await Promise.all([ssh.stop(), vnc.stop()])
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
export type RelayHarness = Awaited<ReturnType<typeof startRelayHarness>>
