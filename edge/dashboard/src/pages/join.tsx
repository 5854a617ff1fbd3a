import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, type JoinAnswer } from '../api'
import { go } from '../router'
import { Transfers, useDesktop } from './desktop'

/**
 * Someone's shared session (`#/join/<share_id>`): join_kasm gives this viewer a stream token of their
 * own, view-only unless the owner's groups allow full control (the gateway enforces it). Signed out,
 * it hands over to sign-in, which comes back here because the address stays the same.
 */
export function Join({ shareId, onSignedOut }: { shareId: string; onSignedOut: () => void }) {
  const [joined, setJoined] = useState<JoinAnswer | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    let cancelled = false
    setError(null)
    api<JoinAnswer>('join_kasm', { share_id: shareId }).then(
      (answer) => void (!cancelled && setJoined(answer)),
      (err: Error) => {
        if (cancelled) return
        if (err instanceof ApiError && err.status === 401) return onSignedOut()
        setJoined(null)
        setError(
          err instanceof ApiError && err.status === 404
            ? 'This share link leads to no session: it may have ended.'
            : err instanceof ApiError
              ? err.message
              : 'Cannot reach the server',
        )
      },
    )
    return () => void (cancelled = true)
  }, [shareId, attempt])

  const kasm = joined?.kasm
  const stream = kasm?.stream
  const { screen, rfb, connected, ended, clipboard } = useDesktop(stream, { viewOnly: kasm?.view_only ?? true })
  // A fresh join_kasm: a new stream token, since the last one may have expired.
  const again = () => setAttempt((n) => n + 1)
  return (
    <main class="session">
      {(error || (kasm && !stream)) && (
        <section class="progress" aria-live="polite">
          {error ? (
            <p role="alert" class="error">
              {error}
            </p>
          ) : (
            <p>The shared session is {kasm!.operational_status}; it can be watched once it is running.</p>
          )}
          <button onClick={again}>Try again</button>
        </section>
      )}
      <div ref={screen} class="screen" data-connected={connected ? 'yes' : 'no'} aria-label="Shared desktop" />
      {kasm && stream && (
        <aside class="panel" aria-label="Session controls">
          <strong>{kasm.view_only ? 'View only' : 'Full control'}</strong>
          <p>Shared by {kasm.user.username}</p>
          <p class="note">{kasm.image.friendly_name}</p>
          {ended && <button onClick={again}>Reconnect</button>}
          <button onClick={() => go('workspaces')}>Workspaces</button>
          <button onClick={() => void document.documentElement.requestFullscreen?.()}>Full screen</button>
          {!kasm.view_only && <Transfers stream={stream} clipboard={clipboard} rfb={rfb} />}
        </aside>
      )}
    </main>
  )
}
