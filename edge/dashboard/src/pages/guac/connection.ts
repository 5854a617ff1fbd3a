// A fixed server's session over the connection proxy: guacamole-common-js's client on the proxy's
// WebSocket, drawn into a box, with mouse and keyboard, clipboard, files, credential prompts, and
// reconnects (each with a fresh one-time token from get_kasm_status) while the session still runs.
import Guacamole from 'guacamole-common-js'
import type { ServerStreamView } from '#schema/contracts'

/** Tries after a lost connection before giving up and showing why. */
export const RECONNECT_MAX_TRIES = 10
const RECONNECT_FIRST_MS = 500
const RECONNECT_MAX_MS = 10_000
/** A connection that stayed up this long earns a fresh set of tries (guacd says `ready` before it logs in, so up is not enough). */
const RECONNECT_RESET_AFTER_MS = 30_000
const RESIZE_DEBOUNCE_MS = 200

/**
 * Errors another try cannot fix (Guacamole protocol status codes): unsupported, bad request, wrong
 * credentials, forbidden, bad type, too many connections. Everything else (the proxy or guacd gone,
 * the target unreachable, timeouts, a refused token) is worth a fresh token.
 */
const PERMANENT_CODES = new Set([0x0100, 0x0300, 0x0301, 0x0303, 0x030f, 0x031d])

export type Phase =
  | { name: 'connecting' }
  | { name: 'connected' }
  | { name: 'reconnecting'; attempt: number }
  | { name: 'failed'; message: string }
  | { name: 'ended' }

export type ConnectionEvents = {
  phase: (phase: Phase) => void
  /** Text the remote copied; only wired when the stream's DLP allows clipboard_down. */
  clipboard: (text: string) => void
  /** PROMPT_USER: the connection parameters guacd waits for (username, password, domain). */
  required: (params: string[]) => void
  /** A file the server sent; only wired when the stream's DLP allows downloads. */
  file: (name: string, blob: Blob) => void
}

export type ConnectionOptions = {
  /** The focusable box the display is drawn in; keys reach the session only while it has focus. */
  host: HTMLElement
  first: ServerStreamView
  /** A fresh stream from get_kasm_status, or null once the session no longer runs. */
  refresh: () => Promise<ServerStreamView | null>
  events: ConnectionEvents
}

export type GuacConnection = {
  sendClipboard: (text: string) => void
  answer: (values: Record<string, string>) => void
  upload: (file: File) => Promise<void>
  retry: () => void
  /** Sends `disconnect`, so the server session ends at once, and stops reconnecting. */
  close: () => void
}

const statusText = (s: Guacamole.Status | undefined, fallback: string) => s?.message || fallback

/** Opens the stream's connection and keeps it open until `close()`, the session ends, or tries run out. */
export function openGuacConnection({ host, first, refresh, events }: ConnectionOptions): GuacConnection {
  const keyboard = new Guacamole.Keyboard(host)
  let client: Guacamole.Client | null = null
  let closed = false
  let failures = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let stableTimer: ReturnType<typeof setTimeout> | undefined
  let resizeTimer: ReturnType<typeof setTimeout> | undefined
  const pendingUploads = new Set<(err: Error) => void>()

  keyboard.onkeydown = (keysym) => void client?.sendKeyEvent(1, keysym)
  keyboard.onkeyup = (keysym) => void client?.sendKeyEvent(0, keysym)
  // Keys held when focus leaves would stay pressed on the server; release them.
  const onBlur = () => keyboard.reset()
  const onPointerDown = () => host.focus()
  host.addEventListener('blur', onBlur)
  host.addEventListener('mousedown', onPointerDown)

  const box = () => host.getBoundingClientRect()
  const fit = () => {
    const display = client?.getDisplay()
    if (!display || !display.getWidth() || !display.getHeight()) return
    const { width, height } = box()
    display.scale(Math.min(width / display.getWidth(), height / display.getHeight()))
  }
  /** The box in device pixels, so the server draws at the screen's own resolution. */
  const size = () => {
    const dpr = devicePixelRatio || 1
    const { width, height } = box()
    return { width: Math.max(1, Math.round(width * dpr)), height: Math.max(1, Math.round(height * dpr)), dpi: Math.round(96 * dpr) }
  }
  /** What the server was last told (at connect, or since), so the observer's first call sends nothing new. */
  let sent = ''
  const resized = new ResizeObserver(() => {
    fit()
    clearTimeout(resizeTimer)
    resizeTimer = setTimeout(() => {
      const { width, height } = size()
      if (!client || sent === `${width}x${height}`) return
      sent = `${width}x${height}`
      client.sendSize(width, height)
    }, RESIZE_DEBOUNCE_MS)
  })
  resized.observe(host)

  function connect(stream: ServerStreamView) {
    const tunnel = new Guacamole.WebSocketTunnel(stream.url)
    const c = new Guacamole.Client(tunnel)
    client = c
    const display = c.getDisplay()
    const element = display.getElement()
    host.replaceChildren(element)
    display.onresize = fit
    const mouse = new Guacamole.Mouse(element)
    mouse.onEach(['mousedown', 'mousemove', 'mouseup'], (e) => c.sendMouseState(e.state, true))
    // The remote's cursor as the browser's own, as guacamole-client does; the software cursor only as a fallback.
    display.oncursor = (canvas, x, y) => display.showCursor(!mouse.setCursor(canvas, x, y))

    let over = false
    const ended = (status?: Guacamole.Status) => {
      if (over || closed) return
      over = true
      clearTimeout(stableTimer)
      c.disconnect()
      for (const reject of pendingUploads) reject(new Error('The connection was lost'))
      pendingUploads.clear()
      if (status && PERMANENT_CODES.has(status.code)) {
        events.phase({ name: 'failed', message: statusText(status, 'The server refused the connection') })
        return
      }
      void reconnect(statusText(status, 'The connection was lost'))
    }
    tunnel.onerror = ended
    tunnel.onstatechange = (state) => state === Guacamole.Tunnel.State.CLOSED && ended()
    c.onerror = ended
    c.onstatechange = (state) => {
      if (state === Guacamole.Client.State.CONNECTED) {
        events.phase({ name: 'connected' })
        stableTimer = setTimeout(() => void (failures = 0), RECONNECT_RESET_AFTER_MS)
      } else if (state === Guacamole.Client.State.DISCONNECTED) ended()
    }
    // A copy: the tunnel reuses (and empties) the array an instruction's arguments arrive in.
    c.onrequired = (params) => events.required([...params])
    c.onclipboard = stream.dlp.clipboard_down
      ? (input, mimetype) => {
          if (!mimetype.startsWith('text/')) return
          const reader = new Guacamole.StringReader(input)
          let text = ''
          reader.ontext = (t) => void (text += t)
          reader.onend = () => events.clipboard(text)
        }
      : null
    // Without a handler the client answers `file` with "unsupported"; the proxy refuses it anyway.
    c.onfile = stream.dlp.downloads
      ? (input, mimetype, name) => {
          const reader = new Guacamole.BlobReader(input, mimetype)
          reader.onend = () => events.file(name, reader.getBlob())
          // guacd sends the first chunk once the browser says it is ready (SFTP and RDP downloads).
          input.sendAck('Ready', 0)
        }
      : null
    const { width, height, dpi } = size()
    sent = `${width}x${height}`
    try {
      c.connect(`token=${encodeURIComponent(stream.token)}&width=${width}&height=${height}&dpi=${dpi}`)
    } catch (err) {
      ended(err instanceof Guacamole.Status ? err : undefined)
    }
  }

  async function reconnect(reason: string) {
    failures += 1
    if (failures > RECONNECT_MAX_TRIES) return events.phase({ name: 'failed', message: reason })
    events.phase({ name: 'reconnecting', attempt: failures })
    const delayMs = Math.min(RECONNECT_FIRST_MS * 2 ** (failures - 1), RECONNECT_MAX_MS)
    await new Promise<void>((resolve) => (retryTimer = setTimeout(resolve, delayMs)))
    if (closed) return
    let next: ServerStreamView | null
    try {
      next = await refresh()
    } catch (err) {
      if (!closed) void reconnect(err instanceof Error ? err.message : reason)
      return
    }
    if (closed) return
    if (!next) return events.phase({ name: 'ended' })
    connect(next)
  }

  const writeText = (stream: Guacamole.OutputStream, text: string) => {
    const writer = new Guacamole.StringWriter(stream)
    writer.sendText(text)
    writer.sendEnd()
  }

  events.phase({ name: 'connecting' })
  connect(first)
  return {
    sendClipboard: (text) => client && writeText(client.createClipboardStream('text/plain'), text),
    answer: (values) => {
      for (const [name, value] of Object.entries(values)) if (client) writeText(client.createArgumentValueStream('text/plain', name), value)
    },
    upload: (file) =>
      new Promise<void>((resolve, reject) => {
        if (!client) return reject(new Error('Not connected'))
        const fail = (err: Error) => (pendingUploads.delete(fail), reject(err))
        pendingUploads.add(fail)
        const stream = client.createFileStream(file.type || 'application/octet-stream', file.name)
        // The server acknowledges the `file` first (or refuses it: no drive, or DLP); data follows only after that.
        stream.onack = (status) => {
          if (status.isError()) return fail(new Error(statusText(status, 'The server refused the file')))
          const writer = new Guacamole.BlobWriter(stream)
          writer.onack = (s) => void (s.isError() && fail(new Error(statusText(s, 'The server refused the file'))))
          writer.onerror = () => fail(new Error('Could not read the file'))
          writer.oncomplete = () => {
            writer.sendEnd()
            pendingUploads.delete(fail)
            resolve()
          }
          writer.sendBlob(file)
        }
      }),
    retry: () => {
      if (closed) return
      failures = 0
      void reconnect('The connection was lost')
    },
    close: () => {
      closed = true
      clearTimeout(retryTimer)
      clearTimeout(stableTimer)
      clearTimeout(resizeTimer)
      resized.disconnect()
      host.removeEventListener('blur', onBlur)
      host.removeEventListener('mousedown', onPointerDown)
      keyboard.reset()
      client?.disconnect()
      client = null
    },
  }
}
