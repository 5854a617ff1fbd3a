import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, type KasmStatus } from '../api'
import { go } from '../router'
import { Transfers, useDesktop } from './desktop'

const STATUS_POLL_MS = 500

/**
 * One session: launch progress from get_kasm_status, then the desktop over the agent's gateway
 * (noVNC, scaled to the window), keepalives while open, and a control panel that offers only what
 * the session's DLP flags allow (the gateway enforces them whatever this page does).
 */
export function Session({ kasmId }: { kasmId: string }) {
  const [status, setStatus] = useState<KasmStatus | null>(null)
  const [error, setError] = useState<string | null>(null)

  // Poll until running (or failed); then connect once.
  useEffect(() => {
    let stop = false
    const poll = async () => {
      while (!stop) {
        try {
          const s = await api<KasmStatus>('get_kasm_status', { kasm_id: kasmId })
          setStatus(s)
          if (s.operational_status === 'running' || s.operational_status === 'error') return
        } catch (err) {
          setError(err instanceof ApiError ? err.message : 'Lost contact with the server')
          return
        }
        await new Promise((r) => setTimeout(r, STATUS_POLL_MS))
      }
    }
    void poll()
    return () => void (stop = true)
  }, [kasmId])

  const stream = status?.operational_status === 'running' ? status.kasm.stream : undefined
  const { screen, rfb, connected, clipboard } = useDesktop(stream)

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
      <div ref={screen} class="screen" data-connected={connected ? 'yes' : 'no'} aria-label="Desktop" />
      {stream && (
        <aside class="panel" aria-label="Session controls">
          <button onClick={() => go('workspaces')}>Workspaces</button>
          <button onClick={() => void document.documentElement.requestFullscreen?.()}>Full screen</button>
          {status?.kasm.share_id && <ShareLink shareId={status.kasm.share_id} />}
          <Transfers stream={stream} clipboard={clipboard} rfb={rfb} />
          <button class="danger" onClick={destroy}>
            Delete session
          </button>
        </aside>
      )}
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
