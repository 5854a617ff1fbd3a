import { useEffect, useState } from 'preact/hooks'
import { CreateUserSchema } from '#schema/contracts'
import { Feedback, failure, useAction } from '../../action'
import { api, ApiError } from '../../api'
import { DataTable, type Column } from '../../table'
import { fieldErrors } from '../../validation'

export type User = {
  user_id: string
  username: string
  first_name: string | null
  last_name: string | null
  locked: boolean
  disabled: boolean
  groups: { name: string; group_id: string }[]
  last_session: string | null
  failed_pw_attempts: number
}
export const fullName = (u: Pick<User, 'first_name' | 'last_name'>) => [u.first_name, u.last_name].filter(Boolean).join(' ')
const matches = (u: User, query: string) => {
  const q = query.trim().toLowerCase()
  return !q || u.username.toLowerCase().includes(q) || fullName(u).toLowerCase().includes(q)
}
const state = (u: User) => {
  const base = u.disabled ? 'disabled' : u.locked ? 'locked' : 'active'
  return u.failed_pw_attempts > 0 ? `${base}, ${u.failed_pw_attempts} failed sign-in${u.failed_pw_attempts === 1 ? '' : 's'}` : base
}

/** Users: list (sorted, paged), create with live validation, lock/unlock, sign out everywhere, delete; each opens its own page. */
export function AdminUsers() {
  const [users, setUsers] = useState<User[]>([])
  const [form, setForm] = useState({ username: '', password: '' })
  const [query, setQuery] = useState('')
  const load = () =>
    api<{ users: User[] }>('get_users').then(
      (r) => setUsers(r.users),
      (e: Error) => setError(e.message),
    )
  const { error, run, setError } = useAction(load)
  useEffect(() => void load(), [])
  const target = { username: form.username, ...(form.password ? { password: form.password } : {}) }
  const problems = form.username || form.password ? fieldErrors(CreateUserSchema, { target_user: target }, 'target_user') : {}
  const create = async (e: Event) => {
    e.preventDefault()
    if (await run('create_user', { target_user: target })) setForm({ username: '', password: '' })
  }
  const update = (u: User, change: Record<string, unknown>) => run('update_user', { target_user: { user_id: u.user_id, ...change } })
  // Without force first: the edge refuses while the user has live sessions, and only then is ending them offered.
  const remove = async (u: User) => {
    if (!confirm(`Delete ${u.username}?`)) return
    const target = { target_user: { user_id: u.user_id } }
    try {
      await api('delete_user', target)
      await load()
    } catch (err) {
      const live = err instanceof ApiError && err.field === 'force'
      if (live && confirm(`${err.message}. End ${u.username}'s sessions and delete the account?`))
        await run('delete_user', { ...target, force: true })
      else setError(failure(err))
    }
  }
  const columns: Column<User>[] = [
    { label: 'Username', sort: (u) => u.username, cell: (u) => <a href={`#/admin/users/${u.user_id}`}>{u.username}</a> },
    { label: 'Name', sort: fullName, cell: fullName },
    { label: 'Groups', sort: (u) => u.groups.map((g) => g.name).join(', '), cell: (u) => u.groups.map((g) => g.name).join(', ') },
    { label: 'State', sort: state, cell: state },
    {
      label: 'Actions',
      class: 'actions',
      cell: (u) => (
        <>
          <button onClick={() => update(u, { locked: !u.locked })}>{u.locked ? 'Unlock' : 'Lock'}</button>
          {/* Unlocking also forgets the account's failed sign-ins, so every address may try again at once. */}
          {!u.locked && u.failed_pw_attempts > 0 && <button onClick={() => update(u, { locked: false })}>Clear failed sign-ins</button>}
          <button onClick={() => update(u, { disabled: !u.disabled })}>{u.disabled ? 'Enable' : 'Disable'}</button>
          <button
            onClick={() => {
              const password = prompt(`New password for ${u.username} (at least 8 characters; their sign-ins end)`)
              if (password) void update(u, { password })
            }}
          >
            Reset password
          </button>
          <button onClick={() => run('logout_user', { target_user: { user_id: u.user_id } })}>Sign out everywhere</button>
          <button class="danger" onClick={() => void remove(u)}>
            Delete
          </button>
        </>
      ),
    },
  ]
  return (
    <main class="admin">
      <h2>Users</h2>
      <form class="inline" onSubmit={create} aria-label="Create user">
        <label>
          Username{' '}
          <input name="new-username" value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} />
        </label>
        {problems.username && <span class="error">{problems.username}</span>}
        <label>
          Password{' '}
          <input
            name="new-password"
            type="password"
            value={form.password}
            onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
          />
        </label>
        {problems.password && <span class="error">{problems.password}</span>}
        <button type="submit" disabled={!form.username || Object.keys(problems).length > 0}>
          Create user
        </button>
      </form>
      <Feedback error={error} />
      <label>
        Filter{' '}
        <input
          type="search"
          aria-label="Filter users"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
          placeholder="username or name"
        />
      </label>
      <DataTable label="Users" rows={users.filter((u) => matches(u, query))} columns={columns} rowKey={(u) => u.user_id} />
    </main>
  )
}
