import type { ComponentChildren } from 'preact'
import type { Secret } from './form-model'

/** A field's problems, each on its own line; the input points at them with aria-describedby. */
export function Problems({ id, messages }: { id: string; messages: readonly string[] | undefined }) {
  if (!messages?.length) return null
  return (
    <span id={id} class="problems">
      {messages.map((m, i) => (
        <span key={i} class="error">
          {m}
        </span>
      ))}
    </span>
  )
}

type FieldProps = {
  name: string
  label: string
  errors: readonly string[] | undefined
  children: (aria: Record<string, string | boolean>) => ComponentChildren
}

/** A labelled control and its problems; `children` gets the aria attributes to spread on the control. */
export function Field({ name, label, errors, children }: FieldProps) {
  const errorId = `server-${name}-errors`
  const aria = { 'aria-label': label, name, ...(errors?.length ? { 'aria-invalid': true, 'aria-describedby': errorId } : {}) }
  return (
    <label>
      {label}
      {children(aria)}
      <Problems id={errorId} messages={errors} />
    </label>
  )
}

type SecretFieldProps = {
  name: string
  label: string
  secret: Secret
  /** Whether the saved server has one, so "Keep current" can return to it. */
  wasSet: boolean
  multiline?: boolean
  errors: readonly string[] | undefined
  onChange: (s: Secret) => void
}

/**
 * A write-only secret: a stored one is shown only as "set", with Replace and Clear; typing a new
 * value (or clearing) can be undone with "Keep current" while the form is open.
 */
export function SecretField({ name, label, secret, wasSet, multiline, errors, onChange }: SecretFieldProps) {
  const errorId = `server-${name}-errors`
  const keep = wasSet && (
    <button type="button" onClick={() => onChange({ mode: 'keep', value: '' })}>
      Keep current
    </button>
  )
  return (
    <fieldset class="secret-field">
      <legend>{label}</legend>
      {secret.mode === 'keep' && (
        <span class="actions">
          <span class="set" data-secret-state="set">
            set
          </span>
          <button type="button" onClick={() => onChange({ mode: 'typed', value: '' })}>
            Replace {label.toLowerCase()}
          </button>
          <button type="button" class="danger" onClick={() => onChange({ mode: 'clear', value: '' })}>
            Clear {label.toLowerCase()}
          </button>
        </span>
      )}
      {secret.mode === 'clear' && (
        <span class="actions">
          <span data-secret-state="cleared">will be cleared on save</span>
          {keep}
        </span>
      )}
      {secret.mode === 'typed' && (
        <span class="actions">
          {multiline ? (
            <textarea
              name={name}
              aria-label={label}
              aria-invalid={errors?.length ? true : undefined}
              aria-describedby={errors?.length ? errorId : undefined}
              value={secret.value}
              onInput={(e) => onChange({ mode: 'typed', value: e.currentTarget.value })}
            />
          ) : (
            <input
              type="password"
              autocomplete="new-password"
              name={name}
              aria-label={label}
              aria-invalid={errors?.length ? true : undefined}
              aria-describedby={errors?.length ? errorId : undefined}
              value={secret.value}
              onInput={(e) => onChange({ mode: 'typed', value: e.currentTarget.value })}
            />
          )}
          {keep}
        </span>
      )}
      <Problems id={errorId} messages={errors} />
    </fieldset>
  )
}
