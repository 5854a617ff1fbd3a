import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../../api'

type Key = { api_key_id: string; name: string; api_key: string; enabled: boolean; read_only: boolean; expires: string | null; last_used: string | null; permissions: string[] }

/** Developer API keys: the secret is shown once at creation; permissions are granted per key. */
export function AdminApiKeys({ grantable }: { grantable: string[] }) {
  const [keys, setKeys] = useState<Key[]>([])
  const [form, setForm] = useState({ name: '', read_only: false, expires: '' })
  const [secret, setSecret] = useState<{ key: string; secret: string } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = () => api<{ api_keys: Key[] }>('get_api_keys').then((r) => setKeys(r.api_keys), (e: Error) => setError(e.message))
  useEffect(() => void load(), [])
  const run = async (verb: string, body: Record<string, unknown>) => {
    setError(null)
    try {
      const r = await api<{ api_key?: { api_key: string; api_key_secret?: string } }>(verb, body)
      if (r.api_key?.api_key_secret) setSecret({ key: r.api_key.api_key, secret: r.api_key.api_key_secret })
      await load()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The request failed')
    }
  }
  const create = (e: Event) => {
    e.preventDefault()
    void run('create_api_key', { target_api_key: { name: form.name, read_only: form.read_only, ...(form.expires ? { expires: new Date(form.expires).toISOString() } : {}) } })
    setForm({ name: '', read_only: false, expires: '' })
  }
  const toggle = (k: Key, p: string) => {
    const next = k.permissions.includes(p) ? k.permissions.filter((x) => x !== p) : [...k.permissions, p]
    // Shown at once; the reload after the request puts back the truth if it was refused.
    setKeys(keys.map((x) => (x.api_key_id === k.api_key_id ? { ...x, permissions: next } : x)))
    return run('set_api_key_permissions', { target_api_key: { api_key_id: k.api_key_id }, target_permissions: next })
  }
  return (
    <main class="admin">
      <h2>API keys</h2>
      <form class="inline" aria-label="Create API key" onSubmit={create}>
        <label>Key name <input value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} /></label>
        <label>Expires <input type="datetime-local" value={form.expires} onInput={(e) => setForm({ ...form, expires: e.currentTarget.value })} /></label>
        <label class="check"><input type="checkbox" checked={form.read_only} onChange={(e) => setForm({ ...form, read_only: e.currentTarget.checked })} /> Read only</label>
        <button type="submit" disabled={!form.name.trim()}>Create API key</button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      {secret && (
        <p role="status" class="secret">
          Key <code>{secret.key}</code>, secret <code>{secret.secret}</code>. Copy the secret now: it is not shown again.
        </p>
      )}
      <table>
        <thead><tr><th>Name</th><th>Key</th><th>Mode</th><th>Expires</th><th>Last used</th><th>Permissions</th><th /></tr></thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.api_key_id}>
              <td>{k.name}</td><td><code>{k.api_key}</code></td>
              <td>{!k.enabled ? 'disabled' : k.read_only ? 'read only' : 'read/write'}</td>
              <td>{k.expires ? new Date(k.expires).toLocaleString() : 'never'}</td>
              <td>{k.last_used ? new Date(k.last_used).toLocaleString() : '—'}</td>
              <td>
                <details>
                  <summary>{k.permissions.length ? k.permissions.join(', ') : 'none'}</summary>
                  {grantable.map((p) => (
                    <label key={p} class="check"><input type="checkbox" checked={k.permissions.includes(p)} onChange={() => void toggle(k, p)} /> {p}</label>
                  ))}
                </details>
              </td>
              <td class="actions">
                <button onClick={() => run('update_api_key', { target_api_key: { api_key_id: k.api_key_id, enabled: !k.enabled } })}>{k.enabled ? 'Disable' : 'Enable'}</button>
                <button class="danger" onClick={() => run('delete_api_key', { target_api_key: { api_key_id: k.api_key_id } })}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
