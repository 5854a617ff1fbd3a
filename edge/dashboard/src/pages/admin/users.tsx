import { useEffect, useState } from 'preact/hooks'
import { CreateUserSchema } from '../../../../../schema/src/inputs/users'
import { api, ApiError } from '../../api'
import { fieldErrors } from '../../validation'

type User = { user_id: string; username: string; locked: boolean; disabled: boolean; groups: { name: string }[]; last_session: string | null }
const PAGE = 20

/** Users: list (sorted, paged), create with live validation, lock/unlock, sign out everywhere, delete. */
export function AdminUsers() {
  const [users, setUsers] = useState<User[]>([])
  const [error, setError] = useState<string | null>(null)
  const [page, setPage] = useState(0)
  const [form, setForm] = useState({ username: '', password: '' })
  const load = () => api<{ users: User[] }>('get_users').then((r) => setUsers(r.users), (e: Error) => setError(e.message))
  useEffect(() => void load(), [])
  const target = { username: form.username, ...(form.password ? { password: form.password } : {}) }
  const problems = form.username || form.password ? fieldErrors(CreateUserSchema, { target_user: target }, 'target_user') : {}
  const act = async (verb: string, body: Record<string, unknown>) => {
    setError(null)
    try {
      await api(verb, body)
      await load()
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The request failed')
    }
  }
  const create = async (e: Event) => {
    e.preventDefault()
    await act('create_user', { target_user: target })
    setForm({ username: '', password: '' })
  }
  const [sort, setSort] = useState<{ by: 'username' | 'groups' | 'state'; desc: boolean }>({ by: 'username', desc: false })
  const key = (u: User) => (sort.by === 'username' ? u.username : sort.by === 'groups' ? u.groups.map((g) => g.name).join(', ') : u.disabled ? 'disabled' : u.locked ? 'locked' : 'active')
  const shown = [...users]
    .sort((a, b) => key(a).localeCompare(key(b)) * (sort.desc ? -1 : 1))
    .slice(page * PAGE, (page + 1) * PAGE)
  const header = (by: typeof sort.by, label: string) => (
    <th aria-sort={sort.by === by ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button class="sort" onClick={() => setSort({ by, desc: sort.by === by ? !sort.desc : false })}>{label}{sort.by === by ? (sort.desc ? ' ▼' : ' ▲') : ''}</button>
    </th>
  )
  return (
    <main class="admin">
      <h2>Users</h2>
      <form class="inline" onSubmit={create} aria-label="Create user">
        <label>Username <input name="new-username" value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} /></label>
        {problems.username && <span class="error">{problems.username}</span>}
        <label>Password <input name="new-password" type="password" value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} /></label>
        {problems.password && <span class="error">{problems.password}</span>}
        <button type="submit" disabled={!form.username || Object.keys(problems).length > 0}>Create user</button>
      </form>
      {error && <p role="alert" class="error">{error}</p>}
      <table>
        <thead><tr>{header('username', 'Username')}{header('groups', 'Groups')}{header('state', 'State')}<th>Actions</th></tr></thead>
        <tbody>
          {shown.map((u) => (
            <tr key={u.user_id}>
              <td>{u.username}</td>
              <td>{u.groups.map((g) => g.name).join(', ')}</td>
              <td>{u.disabled ? 'disabled' : u.locked ? 'locked' : 'active'}</td>
              <td class="actions">
                <button onClick={() => act('update_user', { target_user: { user_id: u.user_id, locked: !u.locked } })}>{u.locked ? 'Unlock' : 'Lock'}</button>
                <button onClick={() => act('update_user', { target_user: { user_id: u.user_id, disabled: !u.disabled } })}>{u.disabled ? 'Enable' : 'Disable'}</button>
                <button onClick={() => {
                  const password = prompt(`New password for ${u.username} (at least 8 characters; their sign-ins end)`)
                  if (password) void act('update_user', { target_user: { user_id: u.user_id, password } })
                }}>Reset password</button>
                <button onClick={() => act('logout_user', { target_user: { user_id: u.user_id } })}>Sign out everywhere</button>
                <button class="danger" onClick={() => confirm(`Delete ${u.username}?`) && act('delete_user', { target_user: { user_id: u.user_id }, force: true })}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {users.length > PAGE && (
        <nav class="pager">
          <button disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
          <span>{page + 1} / {Math.ceil(users.length / PAGE)}</span>
          <button disabled={(page + 1) * PAGE >= users.length} onClick={() => setPage(page + 1)}>Next</button>
        </nav>
      )}
    </main>
  )
}
