import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, type Me, type Workspace } from '../api'

type Attributes = { ssh_public_key: string | null; default_image: string | null }

/** The user's own settings: password, SSH public key (for SSH servers), default workspace. */
export function Settings({ me }: { me: Me }) {
  const [attrs, setAttrs] = useState<Attributes>({ ssh_public_key: null, default_image: null })
  const [images, setImages] = useState<Workspace[]>([])
  const [pw, setPw] = useState({ current: '', next: '' })
  const [note, setNote] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api<{ user_attributes: Attributes }>('get_attributes', { target_user: { user_id: me.user_id } }).then(
      (r) => setAttrs(r.user_attributes),
      () => {},
    )
    api<{ images: Workspace[] }>('get_images').then(
      (r) => setImages(r.images),
      () => {},
    )
  }, [me.user_id])
  const run = async (verb: string, body: Record<string, unknown>, done: string) => {
    setError(null)
    setNote(null)
    try {
      await api(verb, body)
      setNote(done)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The request failed')
    }
  }
  return (
    <main class="admin">
      <h2>Your settings</h2>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {note && <p role="status">{note}</p>}
      <form
        class="stacked"
        aria-label="Change password"
        onSubmit={(e) => {
          e.preventDefault()
          void run(
            'set_password',
            { current_password: pw.current, new_password: pw.next },
            'Password changed; your other sign-ins have ended',
          ).then(() => setPw({ current: '', next: '' }))
        }}
      >
        <h3>Password</h3>
        <label>
          Current password{' '}
          <input
            type="password"
            autocomplete="current-password"
            value={pw.current}
            onInput={(e) => setPw({ ...pw, current: e.currentTarget.value })}
          />
        </label>
        <label>
          New password{' '}
          <input
            type="password"
            autocomplete="new-password"
            value={pw.next}
            onInput={(e) => setPw({ ...pw, next: e.currentTarget.value })}
          />
        </label>
        {pw.next && pw.next.length < 8 && <span class="error">must be at least 8 characters</span>}
        <button type="submit" disabled={!pw.current || pw.next.length < 8}>
          Change password
        </button>
      </form>
      <form
        class="stacked"
        aria-label="Workspace preferences"
        onSubmit={(e) => {
          e.preventDefault()
          void run(
            'update_user_attributes',
            {
              target_user_attributes: {
                user_id: me.user_id,
                ssh_public_key: attrs.ssh_public_key || null,
                default_image: attrs.default_image || null,
              },
            },
            'Saved',
          )
        }}
      >
        <h3>Preferences</h3>
        <label>
          SSH public key{' '}
          <textarea value={attrs.ssh_public_key ?? ''} onInput={(e) => setAttrs({ ...attrs, ssh_public_key: e.currentTarget.value })} />
        </label>
        <label>
          Default workspace
          <select value={attrs.default_image ?? ''} onChange={(e) => setAttrs({ ...attrs, default_image: e.currentTarget.value || null })}>
            <option value="">None</option>
            {images.map((i) => (
              <option key={i.image_id} value={i.image_id}>
                {i.friendly_name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Save preferences</button>
      </form>
    </main>
  )
}
