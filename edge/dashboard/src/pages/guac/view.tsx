import type { ComponentChildren, VNode } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { ServerStreamView } from '#schema/contracts'
import { api, ApiError, type KasmStatus } from '../../api'
import { openGuacConnection, RECONNECT_MAX_TRIES, type GuacConnection, type Phase } from './connection'
import { CredentialPrompt } from './prompt'
import './view.css'

/**
 * A fresh token (and perhaps another proxy) for a running server session; null once it no longer runs.
 * Running without a stream means no proxy of the zone answered: that is a failed try, with the edge's reason.
 */
async function refreshStream(kasmId: string): Promise<ServerStreamView | null> {
  let s: KasmStatus
  try {
    s = await api<KasmStatus>('get_kasm_status', { kasm_id: kasmId })
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  }
  if (s.operational_status !== 'running') return null
  if (s.kasm.stream?.kind === 'server') return s.kasm.stream
  throw new Error(s.operational_message ?? 'No connection proxy answered')
}

/** Hands a file the server sent to the browser's downloads, under the server's name (the browser sanitises it). */
function save(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob)
  const link = Object.assign(document.createElement('a'), { href: url, download: name })
  link.click()
  // Revoked later, not at once: the download starts asynchronously from the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/**
 * A fixed server's session (SSH, VNC, RDP) through the connection proxy, with the control panel the
 * session page builds around what this view offers: clipboard and files as the stream's DLP flags
 * allow (the proxy enforces them whatever this page does). Server text is only ever rendered as text.
 */
export function GuacView({
  kasmId,
  stream,
  panel,
}: {
  kasmId: string
  stream: ServerStreamView
  panel: (transfers: ComponentChildren) => VNode
}) {
  const host = useRef<HTMLDivElement>(null)
  const conn = useRef<GuacConnection | null>(null)
  const [phase, setPhase] = useState<Phase>({ name: 'connecting' })
  const [clipboard, setClipboard] = useState('')
  const [required, setRequired] = useState<string[]>([])
  const [received, setReceived] = useState<string[]>([])
  useEffect(() => {
    const c = openGuacConnection({
      host: host.current!,
      first: stream,
      refresh: () => refreshStream(kasmId),
      events: {
        phase: (p) => {
          setPhase(p)
          if (p.name !== 'connected') setRequired([])
        },
        clipboard: setClipboard,
        required: setRequired,
        file: (name, blob) => {
          save(name, blob)
          setReceived((r) => [name, ...r].slice(0, 5))
        },
      },
    })
    conn.current = c
    host.current!.focus()
    return () => {
      c.close()
      conn.current = null
    }
  }, [kasmId])

  const dlp = stream.dlp
  return (
    <>
      <div class="screen guac" data-connected={phase.name === 'connected' ? 'yes' : 'no'}>
        <div ref={host} class="guac-display" tabIndex={0} aria-label="Desktop" />
        {required.length === 0 ? (
          <PhaseNote phase={phase} onRetry={() => conn.current?.retry()} />
        ) : (
          <CredentialPrompt
            params={required}
            onSubmit={(values) => {
              conn.current?.answer(values)
              setRequired([])
              host.current?.focus()
            }}
          />
        )}
      </div>
      {panel(
        <>
          {dlp.clipboard_down ? (
            <label>
              From the session
              <textarea readOnly value={clipboard} aria-label="Clipboard from the session" />
            </label>
          ) : (
            <p class="note">Copying out of this session is not allowed.</p>
          )}
          {dlp.clipboard_up && <ClipboardUp send={(text) => conn.current?.sendClipboard(text)} />}
          {dlp.uploads && <Upload upload={(file) => conn.current?.upload(file) ?? Promise.reject(new Error('Not connected'))} />}
          {dlp.downloads && received.length > 0 && (
            <p role="status" class="note">
              Downloaded {received.join(', ')}
            </p>
          )}
        </>,
      )}
    </>
  )
}

/** Where the connection stands, when it is not simply up. */
function PhaseNote({ phase, onRetry }: { phase: Phase; onRetry: () => void }) {
  if (phase.name === 'connected') return null
  return (
    <div class="guac-state">
      {phase.name === 'connecting' && <p role="status">Connecting…</p>}
      {phase.name === 'reconnecting' && (
        <div role="status">
          <p>Reconnecting…</p>
          <p class="note">
            Try {phase.attempt} of {RECONNECT_MAX_TRIES}
          </p>
        </div>
      )}
      {phase.name === 'ended' && <p role="status">The session has ended.</p>}
      {phase.name === 'failed' && (
        <>
          <p role="alert" class="error">
            {phase.message}
          </p>
          <button onClick={onRetry}>Try again</button>
        </>
      )}
    </div>
  )
}

/** Text for the server's clipboard, sent when asked (not on every keystroke). */
function ClipboardUp({ send }: { send: (text: string) => void }) {
  const [text, setText] = useState('')
  return (
    <label>
      To the session
      <textarea aria-label="Clipboard to the session" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <button type="button" onClick={() => send(text)}>
        Send clipboard
      </button>
    </label>
  )
}

/** Files for the server's drive (RDP) or SFTP folder; the server's answer is shown as text. */
function Upload({ upload }: { upload: (file: File) => Promise<void> }) {
  const [note, setNote] = useState<string | null>(null)
  const send = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      setNote(`Uploading ${file.name}…`)
      try {
        await upload(file)
        setNote(`Uploaded ${file.name}`)
      } catch (err) {
        setNote(`Could not upload ${file.name}: ${err instanceof Error ? err.message : 'failed'}`)
      }
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
