import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../../api'

type Agent = {
  agent_id: string; name: string; status: string; enabled: boolean; draining: boolean; last_seen: string | null
  cores: number; memory: number; gpus: number; cores_override: number | null; memory_override: number | null; labels: string[]
}
type Kasm = { agent_id: string | null; cores: number; memory: number; operational_status: string }
const GiB = 1024 ** 3

/** Agents: status, last seen, resources held by sessions against what each offers, and the controls. */
export function AdminAgents() {
  const [agents, setAgents] = useState<Agent[]>([])
  const [kasms, setKasms] = useState<Kasm[]>([])
  const [error, setError] = useState<string | null>(null)
  const load = async () => {
    try {
      const [a, k] = await Promise.all([api<{ agents: Agent[] }>('get_agents'), api<{ kasms: Kasm[] }>('get_kasms')])
      setAgents(a.agents)
      setKasms(k.kasms)
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not load the agents')
    }
  }
  useEffect(() => void load(), [])
  const update = (agent_id: string, change: Record<string, unknown>) =>
    api('update_agent', { target_agent: { agent_id, ...change } }).then(load, (e: Error) => setError(e.message))
  const held = (id: string) => kasms.filter((k) => k.agent_id === id && k.operational_status !== 'error')
  return (
    <main class="admin">
      <h2>Agents</h2>
      {error && <p role="alert" class="error">{error}</p>}
      <table>
        <thead><tr><th>Name</th><th>Status</th><th>Last seen</th><th>Cores used / total</th><th>Memory used / total</th><th>Sessions</th><th>Labels</th><th>Actions</th></tr></thead>
        <tbody>
          {agents.map((a) => {
            const h = held(a.agent_id)
            const cores = a.cores_override ?? a.cores
            const memory = a.memory_override ?? a.memory
            return (
              <tr key={a.agent_id}>
                <td>{a.name}</td>
                <td>{!a.enabled ? 'disabled' : a.draining ? `${a.status}, draining` : a.status}</td>
                <td>{a.last_seen ? new Date(a.last_seen).toLocaleString() : '—'}</td>
                <td>{+h.reduce((n, k) => n + k.cores, 0).toFixed(2)} / {cores}{a.cores_override !== null && ' (override)'}</td>
                <td>{(h.reduce((n, k) => n + k.memory, 0) / GiB).toFixed(1)} / {(memory / GiB).toFixed(1)} GiB</td>
                <td>{h.length}</td>
                <td>{a.labels.join(', ')}</td>
                <td class="actions">
                  <button onClick={() => update(a.agent_id, { enabled: !a.enabled })}>{a.enabled ? 'Disable' : 'Enable'}</button>
                  <button onClick={() => update(a.agent_id, { draining: !a.draining })}>{a.draining ? 'Stop draining' : 'Drain'}</button>
                  <button onClick={() => {
                    const v = prompt('Cores to offer (empty: what the host reports)', String(a.cores_override ?? ''))
                    if (v !== null) void update(a.agent_id, { cores_override: v === '' ? null : Number(v) })
                  }}>Cores…</button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </main>
  )
}
