// Relays one browser WebSocket to one container VNC server (docs/security.md#dlp-in-the-relay). The relay terminates both
// handshakes (see handshake.ts), then parses every message in both directions so it can enforce the
// session's clipboard DLP flags, and a viewer's view-only mode, itself: the browser is never trusted
// to honour them.
import type { Socket } from 'node:net'
import type { RawData, WebSocket } from 'ws'
import { ByteReader } from './byte-reader'
import { clientMessageScanner, type RelayEvent } from './client-messages'
import { acceptBrowser, authenticateUpstream, initUpstream, type HandshakeIo } from './handshake'
import type { RfbState } from './pixel-format'
import { RfbProtocolError } from './scanner'
import { serverMessageScanner } from './server-messages'

export interface RelayOptions {
  browser: WebSocket
  upstream: Socket
  /** The container's VNC password; used only towards the container. */
  vncPassword: string
  dlp: { clipboardUp: boolean; clipboardDown: boolean }
  /** Someone watching a shared session: their keyboard, mouse and clipboard never reach the desktop. */
  viewOnly?: boolean
  log?: (msg: string, fields: Record<string, unknown>) => void
  /** Both handshakes must finish within this time (default 20 s), so idle sockets are not held open. */
  handshakeTimeoutMs?: number
  /** Bytes relayed (after DLP): `up` to the desktop, `down` to the browser; the agent's metrics count them. */
  onBytes?: (direction: 'up' | 'down', bytes: number) => void
}

/** Stop reading the container while this much is queued towards a slow browser; resume below LOW. */
const HIGH_WATER = 4 * 1024 * 1024
const LOW_WATER = 1024 * 1024

const CLOSE_NORMAL = 1000
const CLOSE_PROTOCOL = 1002
const CLOSE_INTERNAL = 1011

/**
 * ClientInit's shared-flag, sent upstream whatever the browser asked: a connection that is not shared
 * makes the VNC server disconnect every other client (RFC 6143 §7.3.1), so a viewer opening a shared
 * session would throw its owner out.
 */
const SHARED = 1

const asBuffer = (data: RawData): Buffer => {
  if (data instanceof ArrayBuffer) return Buffer.from(data)
  return Array.isArray(data) ? Buffer.concat(data) : (data as Buffer)
}

/** Resolves once either side has closed (or the relay gave up); both sockets are closed by then. */
export function relayRfb(opts: RelayOptions): Promise<void> {
  const { browser, upstream, vncPassword, dlp, viewOnly = false } = opts
  const log = opts.log ?? (() => {})
  return new Promise<void>((resolve) => {
    const stats = { bytesUp: 0, bytesDown: 0, blockedUp: 0, blockedDown: 0, droppedInput: 0 }
    const fromBrowser = new ByteReader()
    const fromServer = new ByteReader()
    // Until both handshakes are done, input feeds the readers; then the message scanners.
    let onBrowserData = (chunk: Buffer) => fromBrowser.push(chunk)
    let onServerData = (chunk: Buffer) => fromServer.push(chunk)
    let done = false
    let queuedToBrowser = 0
    let serverPaused = false

    const finish = (reason: string, code: number, err?: unknown) => {
      if (done) return
      done = true
      clearTimeout(timer)
      const error = err instanceof Error ? err.message : undefined
      log('rfb relay closed', { reason, ...(error ? { error } : {}), ...stats })
      const gone = new Error(reason)
      fromBrowser.fail(gone)
      fromServer.fail(gone)
      upstream.destroy()
      // The browser only learns a generic reason: upstream details (auth failures) stay in the log.
      if (browser.readyState === browser.OPEN) browser.close(code, code === CLOSE_NORMAL ? 'desktop closed' : 'relay error')
      else if (browser.readyState === browser.CONNECTING) browser.terminate()
      resolve()
    }
    const timer = setTimeout(() => finish('handshake timeout', CLOSE_INTERNAL), opts.handshakeTimeoutMs ?? 20_000)

    /** Runs a data handler; malformed input from `side` closes the relay instead of throwing into ws/net. */
    const guarded = (side: 'browser' | 'upstream', handle: (chunk: Buffer) => void) => (chunk: Buffer) => {
      if (done) return
      try {
        handle(chunk)
      } catch (err) {
        const protocol = err instanceof RfbProtocolError
        finish(
          protocol ? `protocol error from ${side}` : 'relay error',
          protocol && side === 'browser' ? CLOSE_PROTOCOL : CLOSE_INTERNAL,
          err,
        )
      }
    }
    const handleBrowser = guarded('browser', (chunk) => onBrowserData(chunk))
    const handleServer = guarded('upstream', (chunk) => onServerData(chunk))

    const toServer = (chunks: Buffer[]) => {
      for (const c of chunks) {
        stats.bytesUp += c.length
        opts.onBytes?.('up', c.length)
        if (!upstream.write(c)) browser.pause()
      }
    }
    const toBrowser = (chunks: Buffer[]) => {
      if (chunks.length === 0) return
      // One WebSocket frame per TCP read: the scanner splits reads at message boundaries, and a frame
      // (with its write and callback) per piece cost more CPU than the copy that joins them. Joining
      // several reads into megabyte frames was tried and cost more again (large allocations, GC).
      const frame = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
      stats.bytesDown += frame.length
      opts.onBytes?.('down', frame.length)
      queuedToBrowser += frame.length
      browser.send(frame, { binary: true }, (err) => {
        queuedToBrowser -= frame.length
        if (err) return finish('browser write failed', CLOSE_INTERNAL, err)
        if (serverPaused && queuedToBrowser <= LOW_WATER) {
          serverPaused = false
          upstream.resume()
        }
      })
      if (!serverPaused && queuedToBrowser > HIGH_WATER) {
        serverPaused = true
        upstream.pause()
      }
    }

    const onEvent = (e: RelayEvent) => {
      if (e.type === 'clipboard-blocked') {
        if (e.direction === 'up') stats.blockedUp++
        else stats.blockedDown++
        log('rfb clipboard blocked', { direction: e.direction, form: e.form })
      } else if (e.type === 'input-dropped') {
        stats.droppedInput++ // counted, not logged: a viewer's mouse sends dozens a second
      } else {
        log('rfb encodings filtered', { removed: e.removed })
      }
    }

    const handshake = async () => {
      const server: HandshakeIo = { read: (n) => fromServer.read(n), write: (b) => void upstream.write(b) }
      const client: HandshakeIo = { read: (n) => fromBrowser.read(n), write: (b) => browser.send(b, { binary: true }) }
      await Promise.all([authenticateUpstream(server, vncPassword), acceptBrowser(client)])
      const init = await initUpstream(server, SHARED)
      if (done) return
      client.write(init.serverInit)
      const state: RfbState = { pixelFormat: init.pixelFormat, updatesRequested: false }
      const up = clientMessageScanner({ state, clipboardUp: dlp.clipboardUp, viewOnly, onEvent })
      const down = serverMessageScanner({ state, clipboardDown: dlp.clipboardDown, onEvent })
      onBrowserData = (chunk) => toServer(up.push(chunk))
      onServerData = (chunk) => toBrowser(down.push(chunk))
      clearTimeout(timer)
      log('rfb relay started', { clipboardUp: dlp.clipboardUp, clipboardDown: dlp.clipboardDown, viewOnly })
      // Anything that arrived behind the handshake goes through the scanners like the rest.
      for (const chunk of fromServer.rest()) handleServer(chunk)
      for (const chunk of fromBrowser.rest()) handleBrowser(chunk)
    }

    browser.binaryType = 'nodebuffer'
    upstream.setNoDelay(true) // key and pointer events are tiny and latency-bound
    browser.on('message', (data, isBinary) => {
      if (!isBinary) return finish('text frame from browser', CLOSE_PROTOCOL)
      handleBrowser(asBuffer(data))
    })
    upstream.on('data', handleServer)
    upstream.on('drain', () => browser.resume())
    browser.on('close', () => finish('browser closed', CLOSE_NORMAL))
    browser.on('error', (err) => finish('browser error', CLOSE_INTERNAL, err))
    upstream.on('close', () => finish('upstream closed', CLOSE_NORMAL))
    upstream.on('error', (err) => finish('upstream error', CLOSE_INTERNAL, err))
    if (browser.readyState !== browser.OPEN) return finish('browser not open', CLOSE_INTERNAL)

    handshake().catch((err) => finish('handshake failed', CLOSE_INTERNAL, err))
  })
}
