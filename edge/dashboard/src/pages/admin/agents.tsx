import { useEffect, useState } from 'preact/hooks'
import { Feedback, failure, useAction } from '../../action'
import { api } from '../../api'
import { DataTable, type Column } from '../../table'
import { AgentEditor, GiB, type Agent } from './agent-editor'

type Kasm = { agent_id: string | null; cores: number; memory: number; operational_status: string }

/** Agents: status, last seen, resources held by sessions against what each offers, and the controls. */
export function AdminAgents() {
  const [agents, setAgents] = useState<Agent[]>([])
  const [kasms, setKasms] = useState<Kasm[]>([])
  const [editing, setEditing] = useState<string | null>(null)
  const load = async () => {
    try {
      const [a, k] = await Promise.all([api<{ agents: Agent[] }>('get_agents'), api<{ kasms: Kasm[] }>('get_kasms')])
      setAgents(a.agents)
      setKasms(k.kasms)
    } catch (err) {
      setError(failure(err, 'Could not load the agents'))
    }
  }
  const { error, note, run, setError } = useAction(load)
  useEffect(() => void load(), [])
  const update = (agent_id: string, change: Record<string, unknown>, done?: string) =>
    run('update_agent', { target_agent: { agent_id, ...change } }, done)
  const held = (id: string) => kasms.filter((k) => k.agent_id === id && k.operational_status !== 'error')
  const used = (a: Agent, what: 'cores' | 'memory') => held(a.agent_id).reduce((n, k) => n + k[what], 0)
  const columns: Column<Agent>[] = [
    { label: 'Name', sort: (a) => a.name, cell: (a) => a.name },
    {
      label: 'Status',
      sort: (a) => (!a.enabled ? 'disabled' : a.status),
      cell: (a) => (!a.enabled ? 'disabled' : a.draining ? `${a.status}, draining` : a.status),
    },
    { label: 'Last seen', sort: (a) => a.last_seen, cell: (a) => (a.last_seen ? new Date(a.last_seen).toLocaleString() : '—') },
    {
      label: 'Cores used / total',
      sort: (a) => used(a, 'cores'),
      cell: (a) => (
        <>
          {+used(a, 'cores').toFixed(2)} / {a.cores_override ?? a.cores}
          {a.cores_override !== null && ' (override)'}
        </>
      ),
    },
    {
      label: 'Memory used / total',
      sort: (a) => used(a, 'memory'),
      cell: (a) => (
        <>
          {(used(a, 'memory') / GiB).toFixed(1)} / {((a.memory_override ?? a.memory) / GiB).toFixed(1)} GiB
          {a.memory_override !== null && ' (override)'}
        </>
      ),
    },
    {
      label: 'GPUs',
      sort: (a) => a.gpus_override ?? a.gpus,
      cell: (a) => (
        <>
          {a.gpus_override ?? a.gpus}
          {a.gpus_override !== null && ' (override)'}
        </>
      ),
    },
    { label: 'Sessions', sort: (a) => held(a.agent_id).length, cell: (a) => held(a.agent_id).length },
    { label: 'Labels', sort: (a) => a.labels.join(', '), cell: (a) => a.labels.join(', ') },
    {
      label: 'Actions',
      class: 'actions',
      cell: (a) => (
        <>
          <button onClick={() => update(a.agent_id, { enabled: !a.enabled })}>{a.enabled ? 'Disable' : 'Enable'}</button>
          <button onClick={() => update(a.agent_id, { draining: !a.draining })}>{a.draining ? 'Stop draining' : 'Drain'}</button>
          <button onClick={() => setEditing(a.agent_id)}>Edit</button>
        </>
      ),
    },
  ]
  const current = agents.find((a) => a.agent_id === editing)
  return (
    <main class="admin">
      <h2>Agents</h2>
      <Feedback error={error} note={note} />
      <DataTable label="Agents" rows={agents} columns={columns} rowKey={(a) => a.agent_id} />
      {current && (
        <AgentEditor
          key={current.agent_id}
          agent={current}
          held={held(current.agent_id).length}
          onSave={async (change) => (await update(current.agent_id, change, `Saved ${current.name}`)) !== null}
          onDelete={async (force) => {
            if (await run('delete_agent', { target_agent: { agent_id: current.agent_id }, force }, `Deleted ${current.name}`))
              setEditing(null)
          }}
          onClose={() => setEditing(null)}
        />
      )}
    </main>
  )
}
