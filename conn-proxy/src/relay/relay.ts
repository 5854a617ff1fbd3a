import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Logger } from '#daemon-kit'
import type { ProxyConnectAnswer } from '#schema'
import { createAdmission, type AdmissionOptions } from './admission'
import { startGuacSession } from './guac-session'
import { relayKasmvnc } from './kasmvnc'

export type RelayOptions = AdmissionOptions & {
  guacd: { host: string; port: number }
  log: Logger
  /** The worker's live connections and the sessions they belong to, after each change (main.ts reports them to the primary). */
  onCount?: (count: number, kasmIds: string[]) => void
  promptTimeoutMs?: number
}

/** One browser message at most: guacamole-common-js sends instructions of a few KiB; KasmVNC clipboard and uploads more. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024
/** The subprotocols browsers ask for: guacamole-common-js's, and noVNC's for KasmVNC. */
const SUBPROTOCOL = { guac: 'guacamole', kasmvnc: 'binary' } as const

type Live = { kasmId: string; close: (message?: string) => void }

/** An HTTP refusal on the raw socket: nothing was upgraded, so nothing else needs closing. */
function refuseUpgrade(socket: Duplex, status: number) {
  if (socket.destroyed) return
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  setTimeout(() => socket.destroy(), 1_000).unref()
}

const offered = (req: IncomingMessage) =>
  new Set(
    (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  )

/**
 * The browser-facing relay on the worker's HTTP server (server.ts hands it each `upgrade`): every
 * request is admitted (token, replay, redemption) before the WebSocket handshake, then joined to guacd
 * or to its KasmVNC server. Live connections are kept by session, for `closeKasm`.
 */
export function createRelay(o: RelayOptions) {
  const admit = createAdmission(o)
  const chosen = new WeakMap<IncomingMessage, ProxyConnectAnswer>()
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (_protocols, req) => (chosen.get(req)?.protocol === 'kasmvnc' ? SUBPROTOCOL.kasmvnc : SUBPROTOCOL.guac),
  })
  const live = new Set<Live>()
  // Bytes on the browsers' sockets (WebSocket frames included): those closed, plus the live ones' at read time.
  const sockets = new Set<Duplex & { bytesRead: number; bytesWritten: number }>()
  const closed = { up: 0, down: 0 }
  const admissions = new Map<string, number>()
  const admitted = (outcome: string) => admissions.set(outcome, (admissions.get(outcome) ?? 0) + 1)
  const changed = () => o.onCount?.(live.size, [...new Set([...live].map((c) => c.kasmId))])

  function open(browser: WebSocket, answer: ProxyConnectAnswer, display: { width: number; height: number; dpi: number }) {
    let entry: Live | undefined
    const onEnd = () => {
      if (entry && live.delete(entry)) changed()
    }
    entry =
      answer.protocol === 'kasmvnc'
        ? relayKasmvnc({ browser, target: answer.kasmvnc!, kasmId: answer.kasm_id, log: o.log, onEnd })
        : startGuacSession({ browser, answer, display, guacd: o.guacd, log: o.log, onEnd, promptTimeoutMs: o.promptTimeoutMs })
    // A session can end while starting (guacd refused at once): only a live one is counted.
    if (browser.readyState === browser.OPEN) {
      live.add(entry)
      changed()
    }
  }

  return {
    /** Takes one HTTP upgrade; never throws, whatever the request holds. */
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
      socket.on('error', () => socket.destroy())
      const protocols = offered(req)
      // Refused before the token is spent: no browser of ours would open this WebSocket.
      if (!protocols.has(SUBPROTOCOL.guac) && !protocols.has(SUBPROTOCOL.kasmvnc)) return refuseUpgrade(socket, 400)
      void admit(req.url)
        .then((admission) => {
          if (socket.destroyed) return
          admitted(admission.ok ? 'admitted' : String(admission.status))
          if (!admission.ok) return refuseUpgrade(socket, admission.status)
          const wanted = admission.answer.protocol === 'kasmvnc' ? SUBPROTOCOL.kasmvnc : SUBPROTOCOL.guac
          if (!protocols.has(wanted)) return refuseUpgrade(socket, 400)
          const counted = socket as Duplex & { bytesRead: number; bytesWritten: number }
          sockets.add(counted)
          socket.once('close', () => {
            closed.up += counted.bytesRead
            closed.down += counted.bytesWritten
            sockets.delete(counted)
          })
          chosen.set(req, admission.answer)
          wss.handleUpgrade(req, socket, head, (browser) => open(browser, admission.answer, admission.display))
        })
        .catch((err: unknown) => {
          o.log.error('upgrade failed', { error: String(err) })
          refuseUpgrade(socket, 500)
        })
    },
    /** Ends a session's connections (destroyed or expired: the heartbeat's `close_kasms`). */
    closeKasm(kasmId: string): number {
      const ending = [...live].filter((c) => c.kasmId === kasmId)
      for (const c of ending) c.close('The session has ended')
      return ending.length
    },
    count: () => live.size,
    /** For the metrics: live connections, bytes each way so far, and admissions by outcome (`admitted` or the refusal's status). */
    stats() {
      let [up, down] = [closed.up, closed.down]
      for (const s of sockets) ((up += s.bytesRead), (down += s.bytesWritten))
      return { connections: live.size, bytesUp: up, bytesDown: down, admissions: new Map(admissions) }
    },
    /** Ends every connection (guacd hears `disconnect`) and stops accepting. */
    close(): void {
      for (const c of [...live]) c.close()
      wss.close()
    },
  }
}
export type Relay = ReturnType<typeof createRelay>
