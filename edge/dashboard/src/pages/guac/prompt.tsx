import { useState } from 'preact/hooks'

/** What to call the parameters a PROMPT_USER server asks for; any other name is shown as guacd sent it (as text). */
const LABELS: Record<string, string> = { username: 'Username', password: 'Password', domain: 'Domain' }

/**
 * The credentials guacd waits for (its `required` instruction): exactly the parameters it named, answered
 * once as a whole. Typing here never reaches the session: the keyboard is bound to the display only.
 */
export function CredentialPrompt({ params, onSubmit }: { params: string[]; onSubmit: (values: Record<string, string>) => void }) {
  const [values, setValues] = useState<Record<string, string>>({})
  return (
    <form
      class="guac-prompt stacked"
      aria-label="Sign in to the server"
      onSubmit={(e) => {
        e.preventDefault()
        onSubmit(Object.fromEntries(params.map((p) => [p, values[p] ?? ''])))
      }}
    >
      <p>The server asks you to sign in.</p>
      {params.map((p, i) => (
        <label key={p}>
          {LABELS[p] ?? p}
          <input
            type={p === 'password' ? 'password' : 'text'}
            autocomplete={p === 'password' ? 'current-password' : p === 'username' ? 'username' : 'off'}
            autoFocus={i === 0}
            value={values[p] ?? ''}
            onInput={(e) => setValues({ ...values, [p]: e.currentTarget.value })}
          />
        </label>
      ))}
      <button type="submit">Sign in</button>
    </form>
  )
}
