import { useEffect, useState } from 'preact/hooks'
import { UpdateUserSchema } from '#schema/contracts'
import { Feedback, failure, useAction } from '../../action'
import { api } from '../../api'
import { Picker } from '../../components/picker'
import { fieldErrors } from '../../validation'
import type { User } from './users'

type Profile = User & {
  phone: string | null
  organization: string | null
  notes: string | null
  email: string | null
  city: string | null
  state: string | null
  country: string | null
}
type Group = { group_id: string; name: string; is_system: boolean }
const TEXT_FIELDS = ['username', 'first_name', 'last_name', 'email', 'phone', 'organization', 'city', 'state', 'country', 'notes'] as const
type Form = Record<(typeof TEXT_FIELDS)[number] | 'password', string> & { locked: boolean; disabled: boolean }

const formOf = (u: Profile): Form => ({
  username: u.username,
  first_name: u.first_name ?? '',
  last_name: u.last_name ?? '',
  phone: u.phone ?? '',
  organization: u.organization ?? '',
  notes: u.notes ?? '',
  email: u.email ?? '',
  city: u.city ?? '',
  state: u.state ?? '',
  country: u.country ?? '',
  password: '',
  locked: u.locked,
  disabled: u.disabled,
})

/** One user: every field update_user takes, checked as you type, and the groups they belong to. */
export function AdminUser({ userId }: { userId: string }) {
  const [user, setUser] = useState<Profile | null>(null)
  const [form, setForm] = useState<Form | null>(null)
  const [groups, setGroups] = useState<Group[] | null>(null)
  const load = async () => {
    const [u, g] = await Promise.allSettled([
      api<{ user: Profile }>('get_user', { target_user: { user_id: userId } }),
      api<{ groups: Group[] }>('get_groups'),
    ])
    if (u.status === 'rejected') return setError(failure(u.reason, 'Could not load the user'))
    setUser(u.value.user)
    setForm((f) => f ?? formOf(u.value.user))
    // Without groups_view the memberships are still listed, from the user record; only adding needs the list.
    setGroups(g.status === 'fulfilled' ? g.value.groups : null)
  }
  const { error, note, run, setError } = useAction(load)
  useEffect(() => void load(), [userId])
  if (!user || !form)
    return (
      <main class="admin">
        <Feedback error={error} />
        {!error && <p>Loading…</p>}
      </main>
    )

  const target = {
    user_id: userId,
    ...Object.fromEntries(TEXT_FIELDS.map((k) => [k, k === 'username' ? form[k] : form[k] || null])),
    // Sent only when changed: `locked: false` also forgets the account's failed sign-ins.
    ...(form.locked !== user.locked && { locked: form.locked }),
    ...(form.disabled !== user.disabled && { disabled: form.disabled }),
    ...(form.password ? { password: form.password } : {}),
  }
  const problems = fieldErrors(UpdateUserSchema, { target_user: target }, 'target_user')
  const save = async (e: Event) => {
    e.preventDefault()
    const saved = await run<{ user: Profile }>('update_user', { target_user: target }, 'Saved')
    if (saved) {
      setUser(saved.user)
      setForm(formOf(saved.user))
    }
  }
  const text = (key: (typeof TEXT_FIELDS)[number] | 'password', label: string, multiline = false) => (
    <label>
      {label}
      {multiline ? (
        <textarea name={key} value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} />
      ) : (
        <input
          name={key}
          type={key === 'password' ? 'password' : 'text'}
          autocomplete={key === 'password' ? 'new-password' : 'off'}
          value={form[key]}
          onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
        />
      )}
      {problems[key] && <span class="error">{problems[key]}</span>}
    </label>
  )
  const member = new Set(user.groups.map((g) => g.group_id))
  // Every user stays in the built-in All Users group (the edge refuses to remove them), so it offers no Remove.
  const everyone = (groups ?? []).find((g) => g.is_system && g.name === 'All Users')?.group_id
  const membership = (verb: string, group: { group_id: string; name: string }, done: string) =>
    run(verb, { target_user: { user_id: userId }, target_group: { group_id: group.group_id } }, done)
  return (
    <main class="admin">
      <h2>User: {user.username}</h2>
      <p>
        <a href="#/admin/users">← All users</a>
      </p>
      <Feedback error={error} note={note} />
      <form class="stacked" aria-label="Edit user" onSubmit={save}>
        {text('username', 'Username')}
        {text('first_name', 'First name')}
        {text('last_name', 'Last name')}
        {text('email', 'E-mail')}
        {text('phone', 'Phone')}
        {text('organization', 'Organization')}
        {text('city', 'City')}
        {text('state', 'State')}
        {text('country', 'Country')}
        {text('notes', 'Notes', true)}
        {text('password', 'New password (leave empty to keep; a new one ends their sign-ins)')}
        <label class="check">
          <input type="checkbox" checked={form.locked} onChange={(e) => setForm({ ...form, locked: e.currentTarget.checked })} /> Locked
        </label>
        <label class="check">
          <input type="checkbox" checked={form.disabled} onChange={(e) => setForm({ ...form, disabled: e.currentTarget.checked })} />{' '}
          Disabled
        </label>
        <button type="submit" disabled={Object.keys(problems).length > 0}>
          Save user
        </button>
      </form>
      <section aria-label="Groups">
        <h3>Groups</h3>
        <ul>
          {user.groups.map((g) => (
            <li key={g.group_id}>
              <a href={`#/admin/groups/${g.group_id}`}>{g.name}</a>{' '}
              {g.group_id !== everyone && (
                <button onClick={() => membership('remove_user_group', g, `Removed from ${g.name}`)}>Remove from {g.name}</button>
              )}
            </li>
          ))}
        </ul>
        {groups ? (
          <Picker
            label="Add to group"
            options={groups.filter((g) => !member.has(g.group_id)).map((g) => ({ id: g.group_id, name: g.name }))}
            onPick={(o) => membership('add_user_group', { group_id: o.id, name: o.name }, `Added to ${o.name}`)}
          />
        ) : (
          <p class="note">Adding to a group needs the groups_view permission.</p>
        )}
      </section>
    </main>
  )
}
