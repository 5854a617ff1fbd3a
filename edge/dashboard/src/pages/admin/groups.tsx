import { useEffect, useState } from 'preact/hooks'
import { CreateGroupSchema } from '../../../../../schema/src/inputs/groups'
import { api, ApiError } from '../../api'
import { fieldErrors } from '../../validation'

type Group = { group_id: string; name: string; description: string | null; priority: number; is_system: boolean; user_count: number }

/** Groups: list by priority, create with live validation; each opens its own page. */
export function AdminGroups() {
  const [groups, setGroups] = useState<Group[]>([])
  const [error, setError] = useState<string | null>(null)
  const [form, setForm] = useState({ name: '', priority: '' })
  const load = () => api<{ groups: Group[] }>('get_groups').then((r) => setGroups(r.groups), (e: Error) => setError(e.message))
  useEffect(() => void load(), [])
  const target = { name: form.name, priority: Number(form.priority) }
  const problems = form.name || form.priority ? fieldErrors(CreateGroupSchema, { target_group: target }, 'target_group') : {}
  const create = async (e: Event) => {
    e.preventDefault()
    setError(null)
    try {
      await api('create_group', { target_group: target })
      setForm({ name: '', priority: '' })
      await load()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The request failed')
    }
  }
  return (
    <main class="admin">
      <h2>Groups</h2>
      <form class="inline" onSubmit={create} aria-label="Create group">
        <label>Name <input name="group-name" value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} /></label>
        {problems.name && <span class="error">{problems.name}</span>}
        <label>Priority <input name="group-priority" inputMode="numeric" value={form.priority} onInput={(e) => setForm({ ...form, priority: e.currentTarget.value })} /></label>
        {problems.priority && <span class="error">{problems.priority}</span>}
        <button type="submit" disabled={!form.name || Object.keys(problems).length > 0}>Create group</button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      <table>
        <thead><tr><th>Priority</th><th>Name</th><th>Members</th><th>Description</th></tr></thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.group_id}>
              <td>{g.priority}</td>
              <td><a href={`#/admin/groups/${g.group_id}`}>{g.name}</a>{g.is_system && ' (system)'}</td>
              <td>{g.user_count}</td>
              <td>{g.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  )
}
