import { WebSocket, type RawData } from 'ws'
import type { Logger } from '#daemon-kit'

/** What a browser may send before the KasmVNC server has answered (an RFB handshake is a few bytes). */
const MAX_PENDING_BYTES = 1024 * 1024

/**
 * A KasmVNC server's session: KasmVNC speaks WebSocket itself, so no guacd; the browser's socket is
 * joined to the server's, bytes passed through both ways. The server's static credentials (HTTP basic)
 * stay here: the browser only ever held its connect token.
 */
export function relayKasmvnc(o: {
  browser: WebSocket
  target: { url: string; username: string; password: string }
  kasmId: string
  log: Logger
  onEnd: () => void
}) {
  const { browser } = o
  const basic = Buffer.from(`${o.target.username}:${o.target.password}`).toString('base64')
  const server = new WebSocket(o.target.url, ['binary'], { headers: { Authorization: `Basic ${basic}` }, maxPayload: 64 * 1024 * 1024 })
  const pending: { data: RawData; binary: boolean }[] = []
  let pendingBytes = 0
  let ended = false

  const end = () => {
    if (ended) return
    ended = true
    for (const ws of [browser, server]) {
      if (ws.readyState === ws.OPEN) ws.close(1000)
      else if (ws.readyState === ws.CONNECTING) ws.terminate()
    }
    o.onEnd()
  }
  const size = (d: RawData) => (Array.isArray(d) ? d.reduce((n, b) => n + b.length, 0) : d instanceof ArrayBuffer ? d.byteLength : d.length)

  browser.on('message', (data, binary) => {
    if (server.readyState === server.OPEN) return server.send(data, { binary })
    pendingBytes += size(data)
    if (pendingBytes > MAX_PENDING_BYTES) return end()
    pending.push({ data, binary })
  })
  server.on('open', () => {
    for (const p of pending) server.send(p.data, { binary: p.binary })
    pending.length = 0
  })
  server.on('message', (data, binary) => browser.readyState === browser.OPEN && browser.send(data, { binary }))
  server.on('unexpected-response', (_req, res) => {
    o.log.warn('KasmVNC server refused the connection', { kasm_id: o.kasmId, status: res.statusCode })
    end()
  })
  for (const ws of [browser, server]) {
    ws.on('close', end)
    ws.on('error', (err) => {
      if (ws === server) o.log.warn('KasmVNC server connection failed', { kasm_id: o.kasmId, error: err.message })
      end()
    })
  }
  return { kasmId: o.kasmId, close: () => end() }
}
