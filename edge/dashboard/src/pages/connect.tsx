import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, type Me } from '../api'
import { go } from '../router'

/** Kasm's deep link: signs in with the session's token and opens that session, no password asked. */
export function Connect({
  kasmId,
  userId,
  token,
  onSignedIn,
}: {
  kasmId: string
  userId: string
  token: string
  onSignedIn: (me: Me) => void
}) {
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api<Me>('login', { kasm_id: kasmId, user_id: userId, session_token: token }).then(
      (me) => {
        onSignedIn(me)
        go(`session/${kasmId}`)
      },
      (err: Error) => setError(err instanceof ApiError ? err.message : 'Cannot reach the server'),
    )
  }, [kasmId, userId, token])
  return (
    <main class="login">
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : (
        <p>Opening your session…</p>
      )}
    </main>
  )
}

/** A one-time sign-in link from get_login: signs in with its token, then shows the workspaces. */
export function LoginLink({ token, onSignedIn }: { token: string; onSignedIn: (me: Me) => void }) {
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api<Me>('login', { login_token: token }).then(
      (me) => {
        onSignedIn(me)
        go('workspaces')
      },
      (err: Error) => setError(err instanceof ApiError ? err.message : 'Cannot reach the server'),
    )
  }, [token])
  return (
    <main class="login">
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : (
        <p>Signing you in…</p>
      )}
    </main>
  )
}
