import type RFB from '@novnc/novnc'
import type { ComponentChildren, VNode } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import type { ContainerStreamView } from '#schema/contracts'
import type { Stream } from '../api'

/** Streams that carry RFB: a container's gateway, or a KasmVNC server relayed by the connection proxy. */
const speaksRfb = (s: Stream) => s.kind === 'container' || s.protocol === 'kasmvnc'

/**
 * A session's desktop over RFB (the agent's gateway, or the proxy's relay to a KasmVNC server): noVNC,
 * scaled to its box, connected once per stream token; other streams are left alone. `viewOnly` stops
 * noVNC sending input; the gateway drops it anyway for a view-only token.
 */
export function useDesktop(stream: Stream | undefined, { viewOnly = false }: { viewOnly?: boolean } = {}) {
  const screen = useRef<HTMLDivElement>(null)
  const rfb = useRef<RFB | null>(null)
  const [connected, setConnected] = useState(false)
  const [ended, setEnded] = useState(false)
  const [clipboard, setClipboard] = useState('')
  useEffect(() => {
    if (!stream || !speaksRfb(stream) || !screen.current) return
    const target = screen.current
    let r: RFB | undefined
    let cancelled = false
    setEnded(false)
    // noVNC is loaded with the first session, so the launcher stays small.
    void import('@novnc/novnc').then(({ default: NoVnc }) => {
      if (cancelled) return
      // The proxy's KasmVNC relay speaks the `binary` subprotocol, as KasmVNC's own client asks for it; the gateway none.
      const wsProtocols = stream.kind === 'server' ? ['binary'] : []
      r = new NoVnc(target, `${stream.url}?token=${encodeURIComponent(stream.token)}`, { shared: true, wsProtocols })
      r.scaleViewport = true
      r.viewOnly = viewOnly
      r.addEventListener('connect', () => setConnected(true))
      r.addEventListener('disconnect', () => (setConnected(false), setEnded(true)))
      r.addEventListener('clipboard', (e: Event) => setClipboard((e as CustomEvent<{ text: string }>).detail.text))
      rfb.current = r
    })
    return () => {
      cancelled = true
      r?.disconnect()
      rfb.current = null
    }
  }, [stream?.token, viewOnly])
  return { screen, rfb, connected, ended, clipboard }
}

/** The session page's noVNC screen, and its control panel around the transfers this stream offers. */
export function NoVncView({ stream, panel }: { stream: Stream | undefined; panel: (transfers: ComponentChildren) => VNode }) {
  const { screen, rfb, connected, clipboard } = useDesktop(stream)
  return (
    <>
      <div ref={screen} class="screen" data-connected={connected ? 'yes' : 'no'} aria-label="Desktop" />
      {stream && panel(<Transfers stream={stream} clipboard={clipboard} rfb={rfb} />)}
    </>
  )
}

/** Puts files into the session's Uploads folder through the agent's gateway (the stream token authorises). */
export function Upload({ stream }: { stream: ContainerStreamView }) {
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
export function Download({ stream }: { stream: ContainerStreamView }) {
  const [name, setName] = useState('')
  const href = `${stream.files_url}/${encodeURIComponent(name)}?token=${encodeURIComponent(stream.token)}`
  return (
    <label>
      Download from the session (Downloads folder)
      <input placeholder="file name" aria-label="File to download" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <a href={name ? href : undefined} download={name || undefined} aria-disabled={!name}>
        Download
      </a>
    </label>
  )
}

/**
 * The clipboard, uploads and downloads a stream's DLP flags allow (enforced by the gateway, not here).
 * Files go through the agent's files URL, which only container streams have; KasmVNC servers offer the clipboard.
 */
export function Transfers({ stream, clipboard, rfb }: { stream: Stream; clipboard: string; rfb: { current: RFB | null } }) {
  const dlp = stream.dlp
  return (
    <>
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
      {stream.kind === 'container' && dlp?.uploads !== false && <Upload stream={stream} />}
      {stream.kind === 'container' && dlp?.downloads !== false && <Download stream={stream} />}
    </>
  )
}
