// The gateway under test in miniature: a WebSocketServer whose connections are relayed to Xvnc by
// relayRfb. DLP flags, view-only (and, for the failure test, the VNC password) come from the URL query.
import net from 'node:net'
import { WebSocketServer } from 'ws'
import { relayRfb } from '../../../../agent/src/gateway/rfb/relay'

export interface LogLine {
  msg: string
  fields: Record<string, unknown>
}

export interface RelayServer {
  url(opts: { up: boolean; down: boolean; viewOnly?: boolean; password?: string; handshakeTimeoutMs?: number }): string
  logs: LogLine[]
  close(): Promise<void>
}

export async function startRelayServer(vncPort: number, vncPassword: string): Promise<RelayServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  const logs: LogLine[] = []
  const relays = new Set<Promise<void>>()
  wss.on('connection', (ws, req) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams
    const upstream = net.connect(vncPort, '127.0.0.1')
    const relay = relayRfb({
      browser: ws,
      upstream,
      vncPassword: q.get('pw') ?? vncPassword,
      dlp: { clipboardUp: q.get('up') === '1', clipboardDown: q.get('down') === '1' },
      viewOnly: q.get('view') === '1',
      log: (msg, fields) => logs.push({ msg, fields }),
      ...(q.has('timeout') ? { handshakeTimeoutMs: Number(q.get('timeout')) } : {}),
    })
    relays.add(relay)
    void relay.then(() => relays.delete(relay))
  })
  await new Promise((r) => wss.once('listening', r))
  const { port } = wss.address() as net.AddressInfo
  return {
    url: ({ up, down, viewOnly, password, handshakeTimeoutMs }) => {
      const q = new URLSearchParams({ up: up ? '1' : '0', down: down ? '1' : '0' })
      if (viewOnly) q.set('view', '1')
      if (password !== undefined) q.set('pw', password)
      if (handshakeTimeoutMs !== undefined) q.set('timeout', String(handshakeTimeoutMs))
      return `ws://127.0.0.1:${port}/?${q}`
    },
    logs,
    close: async () => {
      for (const c of wss.clients) c.terminate()
      await Promise.all(relays)
      await new Promise((r) => wss.close(r))
    },
  }
}
