// A WebSocket→TCP bridge so the Neon serverless driver (WebSocket only) can reach a plain local
// Postgres, as Neon's own proxy does in production. Loopback targets only.
import { createRequire } from 'node:module'
import net from 'node:net'

// createRequire: under the Workers test runner Vite resolves `ws` to its browser stub.
const { WebSocketServer } = createRequire(import.meta.url)('ws') as typeof import('ws')

export async function startWsProxy(): Promise<{ port: number; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  wss.on('connection', (ws, req) => {
    const address = new URL(req.url ?? '/', 'http://x').searchParams.get('address') ?? ''
    const i = address.lastIndexOf(':')
    const host = address.slice(0, i)
    const port = Number(address.slice(i + 1))
    if (!['127.0.0.1', 'localhost'].includes(host) || !Number.isInteger(port)) return ws.close(1008, 'address not allowed')
    const sock = net.connect({ host, port })
    sock.setNoDelay(true)
    const pending: Buffer[] = []
    let open = false
    sock.on('connect', () => {
      open = true
      for (const b of pending) sock.write(b)
      pending.length = 0
    })
    ws.on('message', (d: Buffer) => (open ? sock.write(d) : pending.push(d)))
    sock.on('data', (chunk) => ws.readyState === ws.OPEN && ws.send(chunk, { binary: true }))
    const closeBoth = () => {
      ws.close()
      sock.destroy()
    }
    ws.on('close', closeBoth)
    ws.on('error', closeBoth)
    sock.on('close', closeBoth)
    sock.on('error', closeBoth)
  })
  await new Promise((r) => wss.once('listening', r))
  return {
    port: (wss.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate()
        wss.close(() => r())
      }),
  }
}
