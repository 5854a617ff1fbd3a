import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../../api'

type Zone = { zone_id: string; zone_name: string; description: string | null }
type Token = { registration_token_id: string; zone_id: string; description: string | null; expires: string; revoked: string | null }

/** Zones and their agent registration tokens (a new token is shown once, then only its metadata). */
export function AdminZones() {
  const [zones, setZones] = useState<Zone[]>([])
  const [tokens, setTokens] = useState<Token[]>([])
  const [name, setName] = useState('')
  const [fresh, setFresh] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const load = async () => {
    try {
      const [z, t] = await Promise.all([api<{ zones: Zone[] }>('get_zones'), api<{ registration_tokens: Token[] }>('get_registration_tokens')])
      setZones(z.zones)
      setTokens(t.registration_tokens)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not load the zones')
    }
  }
  useEffect(() => void load(), [])
  const run = async (verb: string, body: Record<string, unknown>) => {
    setError(null)
    try {
      const r = await api<{ registration_token?: { token: string } }>(verb, body)
      if (r.registration_token?.token) setFresh(r.registration_token.token)
      await load()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The request failed')
    }
  }
  const zoneName = (id: string) => zones.find((z) => z.zone_id === id)?.zone_name ?? id
  return (
    <main class="admin">
      <h2>Zones</h2>
      <form class="inline" aria-label="Create zone" onSubmit={(e) => (e.preventDefault(), void run('create_zone', { target_zone: { zone_name: name } }).then(() => setName('')))}>
        <label>Zone name <input value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <button type="submit" disabled={!name.trim()}>Create zone</button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      {fresh && (
        <p role="status" class="secret">
          New registration token (shown once; start an agent with <code>--token</code>): <code>{fresh}</code>
        </p>
      )}
      <table>
        <thead><tr><th>Zone</th><th>Description</th><th /></tr></thead>
        <tbody>
          {zones.map((z) => (
            <tr key={z.zone_id}>
              <td>{z.zone_name}</td><td>{z.description}</td>
              <td class="actions">
                <button onClick={() => run('create_registration_token', { target_registration_token: { zone_id: z.zone_id } })}>New registration token</button>
                {z.zone_name !== 'default' && <button class="danger" onClick={() => run('delete_zone', { target_zone: { zone_id: z.zone_id } })}>Delete</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Registration tokens</h3>
      <table>
        <thead><tr><th>Zone</th><th>Expires</th><th>State</th><th /></tr></thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.registration_token_id}>
              <td>{zoneName(t.zone_id)}</td><td>{new Date(t.expires).toLocaleString()}</td>
              <td>{t.revoked ? 'revoked' : new Date(t.expires) < new Date() ? 'expired' : 'active'}</td>
              <td>{!t.revoked && <button onClick={() => run('revoke_registration_token', { target_registration_token: { registration_token_id: t.registration_token_id } })}>Revoke</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
