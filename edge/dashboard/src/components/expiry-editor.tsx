import { useState } from 'preact/hooks'

/** `datetime-local` works in the browser's time zone, without one in its value. */
export const toLocalInput = (iso: string | null) => {
  if (!iso) return ''
  const d = new Date(iso)
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
}
/** The instant a `datetime-local` value means here, as ISO 8601 in UTC; '' for empty or unreadable. */
export const fromLocalInput = (value: string) => {
  const d = new Date(value)
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : ''
}

type ExpiryEditorProps = {
  /** Names the editor (its input is labelled "Expiry of <name>"). */
  name: string
  expires: string | null
  /** The problem the edge's schema finds with this value, if any. */
  check: (iso: string | null) => string | undefined
  onSave: (iso: string | null) => void
}

/** The expiry as text; opened, a date-time box to change it, or "Never" to remove it. */
export function ExpiryEditor({ name, expires, check, onSave }: ExpiryEditorProps) {
  const [value, setValue] = useState(toLocalInput(expires))
  const iso = fromLocalInput(value)
  const problem = value ? (iso ? check(iso) : 'is not a date and time') : undefined
  return (
    <details>
      <summary>{expires ? new Date(expires).toLocaleString() : 'never'}</summary>
      <input type="datetime-local" aria-label={`Expiry of ${name}`} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      {problem && <span class="error">{problem}</span>}
      <button type="button" disabled={!iso || problem !== undefined} onClick={() => onSave(iso)}>
        Save expiry
      </button>
      {expires && (
        <button type="button" onClick={() => onSave(null)}>
          Never expires
        </button>
      )}
    </details>
  )
}
