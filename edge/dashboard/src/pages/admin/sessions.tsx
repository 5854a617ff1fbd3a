import { useEffect, useState } from 'preact/hooks'
import { Feedback, useAction } from '../../action'
import { api } from '../../api'
import { DataTable, type Column } from '../../table'

type Kasm = {
  kasm_id: string
  username?: string
  image_name?: string
  operational_status: string
  created: string
  agent_id: string | null
}

/** Every live session, filterable, sorted (newest first) and paged, each one destroyable. */
export function AdminSessions() {
  const [kasms, setKasms] = useState<Kasm[]>([])
  const [filter, setFilter] = useState('')
  const load = () =>
    api<{ kasms: Kasm[] }>('get_kasms').then(
      (r) => setKasms(r.kasms),
      (e: Error) => setError(e.message),
    )
  const { error, run, setError } = useAction(load)
  useEffect(() => void load(), [])
  const shown = kasms.filter((k) => `${k.username} ${k.image_name} ${k.operational_status}`.toLowerCase().includes(filter.toLowerCase()))
  const columns: Column<Kasm>[] = [
    { label: 'User', sort: (k) => k.username ?? null, cell: (k) => k.username },
    { label: 'Workspace', sort: (k) => k.image_name ?? null, cell: (k) => k.image_name },
    { label: 'State', sort: (k) => k.operational_status, cell: (k) => k.operational_status },
    { label: 'Started', sort: (k) => Date.parse(k.created), cell: (k) => new Date(k.created).toLocaleString() },
    {
      label: '',
      cell: (k) => (
        <button class="danger" onClick={() => run('destroy_kasm', { kasm_id: k.kasm_id })}>
          Destroy
        </button>
      ),
    },
  ]
  return (
    <main class="admin">
      <h2>Sessions</h2>
      <input
        type="search"
        aria-label="Filter sessions"
        placeholder="Filter by user, workspace or state"
        value={filter}
        onInput={(e) => setFilter(e.currentTarget.value)}
      />
      <Feedback error={error} />
      <DataTable label="Sessions" rows={shown} columns={columns} rowKey={(k) => k.kasm_id} initialSort={{ column: 3, desc: true }} />
    </main>
  )
}
