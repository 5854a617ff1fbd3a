import type { ComponentChildren } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { ServerStreamView } from '#schema/contracts'
import { api, ApiError, type KasmStatus, type Stream } from '../api'
import { lazyPage } from '../lazy'
import { go } from '../router'
import { NoVncView } from './desktop'

const STATUS_POLL_MS = 500
/** Slower while running without a stream: each ask makes the edge health-check the zone's proxies. */
const NO_STREAM_POLL_MS = 3_000

/** SSH, VNC and RDP servers speak the Guacamole protocol through the proxy; KasmVNC servers speak RFB, as containers do. */
const isGuacStream = (s: Stream | undefined): s is ServerStreamView => s?.kind === 'server' && s.protocol !== 'kasmvnc'

/** guacamole-common-js is fetched with the first server session, so the launcher stays small. */
const GuacView = lazyPage(
  () => import('./guac/view').then((m) => m.GuacView),
  'the remote desktop client',
  (note) => <div class="screen guac">{note}</div>,
)

/**
 * One session: launch progress from get_kasm_status, then the desktop (a container's or KasmVNC
 * server's over noVNC, an SSH/VNC/RDP server's over the connection proxy), keepalives while open,
 * and a control panel that offers only what the session's DLP flags allow (the gateway or proxy
 * enforces them whatever this page does).
 */
export function Session({ kasmId }: { kasmId: string }) {
  const [status, setStatus] = useState<KasmStatus | null>(null)
  const [error, setError] = useState<string | null>(null)

  // Poll until running (or failed); then connect once.
  useEffect(() => {
    let stop = false
    const poll = async () => {
      while (!stop) {
        let waitMs = STATUS_POLL_MS
        try {
          const s = await api<KasmStatus>('get_kasm_status', { kasm_id: kasmId })
          setStatus(s)
          // Running without a stream: no agent or connection proxy can carry it yet (the message says why); keep asking.
          if ((s.operational_status === 'running' && s.kasm.stream) || s.operational_status === 'error') return
          if (s.operational_status === 'running') waitMs = NO_STREAM_POLL_MS
        } catch (err) {
          setError(err instanceof ApiError ? err.message : 'Lost contact with the server')
          return
        }
        await new Promise((r) => setTimeout(r, waitMs))
      }
    }
    void poll()
    return () => void (stop = true)
  }, [kasmId])

  const stream = status?.operational_status === 'running' ? status.kasm.stream : undefined

  // Keepalives at the group's interval while the view is open.
  useEffect(() => {
    if (!stream) return
    const every = (status?.kasm.keepalive_interval ?? 300) * 1000
    const t = setInterval(() => void api('keepalive', { kasm_id: kasmId }).catch(() => {}), every)
    return () => clearInterval(t)
  }, [stream?.token])

  const destroy = async () => {
    try {
      await api('destroy_kasm', { kasm_id: kasmId })
      go('workspaces')
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not delete the session')
    }
  }
  const panel = (transfers: ComponentChildren) => (
    <aside class="panel" aria-label="Session controls">
      <button onClick={() => go('workspaces')}>Workspaces</button>
      <button onClick={() => void document.documentElement.requestFullscreen?.()}>Full screen</button>
      {status?.kasm.share_id && <ShareLink shareId={status.kasm.share_id} />}
      {transfers}
      <button class="danger" onClick={destroy}>
        Delete session
      </button>
    </aside>
  )
  return (
    <main class="session">
      {!stream && !error && (
        <section class="progress" aria-live="polite">
          <h2>Starting your workspace</h2>
          <progress max={100} value={status?.operational_progress ?? 0} />
          <p>{status?.operational_message ?? 'Requesting…'}</p>
          {status?.operational_status === 'error' && (
            <p role="alert" class="error">
              {status.operational_message}
            </p>
          )}
        </section>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {isGuacStream(stream) ? <GuacView kasmId={kasmId} stream={stream} panel={panel} /> : <NoVncView stream={stream} panel={panel} />}
    </main>
  )
}

/**
 * The session's share link (Kasm's `/#/join/<share_id>`): anyone signed in who has it may watch,
 * and use the desktop only where the owner's groups allow shared_session_full_control.
 */
function ShareLink({ shareId }: { shareId: string }) {
  const link = `${location.origin}/#/join/${shareId}`
  const field = useRef<HTMLInputElement>(null)
  const [note, setNote] = useState<string | null>(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link)
      setNote('Copied')
    } catch {
      // No async clipboard outside a secure context (plain http): copy the selected field instead.
      field.current?.select()
      setNote(document.execCommand('copy') ? 'Copied' : 'Press Ctrl+C to copy')
    }
  }
  return (
    <label>
      Share link
      <input ref={field} readOnly value={link} aria-label="Share link" onFocus={(e) => e.currentTarget.select()} />
      <button type="button" onClick={() => void copy()}>
        Copy link
      </button>
      {note && <span role="status">{note}</span>}
    </label>
  )
}
