import { useState } from 'preact/hooks'
import { api, ApiError } from './api'

/** What to show for a failed call: the edge's own error_message, or why it never answered. */
export const failure = (err: unknown, fallback = 'The request failed') => (err instanceof ApiError ? err.message : fallback)

/**
 * Calls a verb for a page: clears the last message, shows `done` on success or the edge's
 * error_message on failure, then reloads the page's data. Resolves to the response, or null.
 */
export function useAction(reload: () => Promise<unknown> | void) {
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState<string | null>(null)
  const run = async <T = Record<string, unknown>,>(verb: string, body: Record<string, unknown>, done?: string): Promise<T | null> => {
    setError(null)
    setNote(null)
    // Pages show some changes before the edge confirms them; reloading either way puts back what is true.
    const reloaded = () => Promise.resolve(reload()).catch(() => {})
    // The outcome is shown once the page shows what is true, so what the note says is already on screen.
    try {
      const r = await api<T>(verb, body)
      await reloaded()
      if (done) setNote(done)
      return r
    } catch (err) {
      await reloaded()
      setError(failure(err))
      return null
    }
  }
  return { error, note, run, setError }
}

/** The page's last outcome: an alert for a failure, a status line for a success. */
export function Feedback({ error, note }: { error: string | null; note?: string | null }) {
  return (
    <>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {note && <p role="status">{note}</p>}
    </>
  )
}
