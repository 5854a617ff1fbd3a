import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../../api'

type Kasm = { kasm_id: string; username?: string; image_name?: string; operational_status: string; created: string; agent_id: string | null }

/** Every live session, filterable, each one destroyable. */
export function AdminSessions() {
  const [kasms, setKasms] = useState<Kasm[]>([])
  const [filter, setFilter] = useState('')
  const [error, setError] = useState<string | null>(null)
  const load = () => api<{ kasms: Kasm[] }>('get_kasms').then((r) => setKasms(r.kasms), (e: Error) => setError(e.message))
  useEffect(() => void load(), [])
  const shown = kasms.filter((k) => `${k.username} ${k.image_name} ${k.operational_status}`.toLowerCase().includes(filter.toLowerCase()))
  const destroy = (k: Kasm) =>
    api('destroy_kasm', { kasm_id: k.kasm_id }).then(load, (e: Error) => setError(e instanceof ApiError ? e.message : 'The request failed'))
  return (
    <main class="admin">
      <h2>Sessions</h2>
      <input type="search" aria-label="Filter sessions" placeholder="Filter by user, workspace or state" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      {error && <p role="alert" class="error">{error}</p>}
      <table>
        <thead><tr><th>User</th><th>Workspace</th><th>State</th><th>Started</th><th /></tr></thead>
        <tbody>
          {shown.map((k) => (
            <tr key={k.kasm_id}>
              <td>{k.username}</td><td>{k.image_name}</td><td>{k.operational_status}</td><td>{new Date(k.created).toLocaleString()}</td>
              <td><button class="danger" onClick={() => destroy(k)}>Destroy</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
