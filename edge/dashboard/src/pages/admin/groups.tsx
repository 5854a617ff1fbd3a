import { useEffect, useState } from 'preact/hooks'
import { CreateGroupSchema } from '#schema/contracts'
import { Feedback, useAction } from '../../action'
import { api } from '../../api'
import { DataTable, type Column } from '../../table'
import { fieldErrors } from '../../validation'

type Group = { group_id: string; name: string; description: string | null; priority: number; is_system: boolean; user_count: number }

const COLUMNS: Column<Group>[] = [
  { label: 'Priority', sort: (g) => g.priority, cell: (g) => g.priority },
  {
    label: 'Name',
    sort: (g) => g.name,
    cell: (g) => (
      <>
        <a href={`#/admin/groups/${g.group_id}`}>{g.name}</a>
        {g.is_system && ' (system)'}
      </>
    ),
  },
  { label: 'Members', sort: (g) => g.user_count, cell: (g) => g.user_count },
  { label: 'Description', sort: (g) => g.description, cell: (g) => g.description },
]

/** Groups: list (sorted by priority, paged), create with live validation; each opens its own page. */
export function AdminGroups() {
  const [groups, setGroups] = useState<Group[]>([])
  const [form, setForm] = useState({ name: '', priority: '' })
  const load = () =>
    api<{ groups: Group[] }>('get_groups').then(
      (r) => setGroups(r.groups),
      (e: Error) => setError(e.message),
    )
  const { error, run, setError } = useAction(load)
  useEffect(() => void load(), [])
  const target = { name: form.name, priority: Number(form.priority) }
  const problems = form.name || form.priority ? fieldErrors(CreateGroupSchema, { target_group: target }, 'target_group') : {}
  const create = async (e: Event) => {
    e.preventDefault()
    if (await run('create_group', { target_group: target })) setForm({ name: '', priority: '' })
  }
  return (
    <main class="admin">
      <h2>Groups</h2>
      <form class="inline" onSubmit={create} aria-label="Create group">
        <label>
          Name <input name="group-name" value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </label>
        {problems.name && <span class="error">{problems.name}</span>}
        <label>
          Priority{' '}
          <input
            name="group-priority"
            inputMode="numeric"
            value={form.priority}
            onInput={(e) => setForm({ ...form, priority: e.currentTarget.value })}
          />
        </label>
        {problems.priority && <span class="error">{problems.priority}</span>}
        <button type="submit" disabled={!form.name || Object.keys(problems).length > 0}>
          Create group
        </button>
      </form>
      <Feedback error={error} />
      <DataTable label="Groups" rows={groups} columns={COLUMNS} rowKey={(g) => g.group_id} />
    </main>
  )
}
