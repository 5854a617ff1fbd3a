import type RFB from '@novnc/novnc'
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, type KasmStatus, type Stream } from '../api'
import { go } from '../router'

const STATUS_POLL_MS = 500

/**
 * One session: launch progress from get_kasm_status, then the desktop over the agent's gateway
 * (noVNC, scaled to the window), keepalives while open, and a control panel that offers only what
 * the session's DLP flags allow (the gateway enforces them whatever this page does).
 */
export function Session({ kasmId }: { kasmId: string }) {
  const [status, setStatus] = useState<KasmStatus | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [connected, setConnected] = useState(false)
  const [clipboard, setClipboard] = useState('')
  const screen = useRef<HTMLDivElement>(null)
  const rfb = useRef<RFB | null>(null)

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
  useEffect(() => {
    if (!stream || !screen.current) return
    const target = screen.current
    let r: RFB | undefined
    let cancelled = false
    // noVNC is loaded with the first session, so the launcher stays small.
    void import('@novnc/novnc').then(({ default: NoVnc }) => {
      if (cancelled) return
      r = new NoVnc(target, `${stream.url}?token=${encodeURIComponent(stream.token)}`, { shared: true })
      r.scaleViewport = true
      r.addEventListener('connect', () => setConnected(true))
      r.addEventListener('disconnect', () => setConnected(false))
      r.addEventListener('clipboard', (e: Event) => setClipboard((e as CustomEvent<{ text: string }>).detail.text))
      rfb.current = r
    })
    return () => {
      cancelled = true
      r?.disconnect()
      rfb.current = null
    }
  }, [stream?.token])

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
  const dlp = stream?.dlp
  return (
    <main class="session">
      {!stream && !error && (
        <section class="progress" aria-live="polite">
          <h2>Starting your workspace</h2>
          <progress max={100} value={status?.operational_progress ?? 0} />
          <p>{status?.operational_message ?? 'Requesting…'}</p>
          {status?.operational_status === 'error' && <p role="alert" class="error">{status.operational_message}</p>}
        </section>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      <div ref={screen} class="screen" data-connected={connected ? 'yes' : 'no'} aria-label="Desktop" />
      {stream && (
        <aside class="panel" aria-label="Session controls">
          <button onClick={() => go('workspaces')}>Workspaces</button>
          <button onClick={() => void document.documentElement.requestFullscreen?.()}>Full screen</button>
          {dlp?.clipboard_down !== false ? (
            <label>
              From the session
              <textarea readOnly value={clipboard} aria-label="Clipboard from the session" />
            </label>
          ) : (
            <p class="note">Copying out of this session is not allowed.</p>
          )}
          {dlp?.clipboard_up !== false && (
            <label>
              To the session
              <textarea aria-label="Clipboard to the session" onChange={(e) => rfb.current?.clipboardPasteFrom(e.currentTarget.value)} />
            </label>
          )}
          {dlp?.uploads !== false && <Upload stream={stream} />}
          {dlp?.downloads !== false && <Download stream={stream} />}
          <button class="danger" onClick={destroy}>Delete session</button>
        </aside>
      )}
    </main>
  )
}

/** Puts files into the session's Uploads folder through the agent's gateway (the stream token authorises). */
function Upload({ stream }: { stream: Stream }) {
  const [note, setNote] = useState<string | null>(null)
  const send = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const res = await fetch(`${stream.files_url}/${encodeURIComponent(file.name)}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${stream.token}` },
        body: file,
      }).catch(() => null)
      setNote(res?.ok ? `Uploaded ${file.name} to Uploads` : `Could not upload ${file.name}${res ? ` (${res.status})` : ''}`)
    }
  }
  return (
    <label>
      Upload to the session
      <input type="file" multiple aria-label="Upload files" onChange={(e) => void send(e.currentTarget.files)} />
      {note && <span role="status">{note}</span>}
    </label>
  )
}

/** Takes a file from the session's Downloads folder. */
function Download({ stream }: { stream: Stream }) {
  const [name, setName] = useState('')
  const href = `${stream.files_url}/${encodeURIComponent(name)}?token=${encodeURIComponent(stream.token)}`
  return (
    <label>
      Download from the session (Downloads folder)
      <input placeholder="file name" aria-label="File to download" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <a href={name ? href : undefined} download={name || undefined} aria-disabled={!name}>Download</a>
    </label>
  )
}
