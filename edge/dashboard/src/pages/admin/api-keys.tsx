import { useEffect, useState } from 'preact/hooks'
import { CreateApiKeySchema, UpdateApiKeySchema } from '#schema/contracts'
import { Feedback, useAction } from '../../action'
import { api } from '../../api'
import { ExpiryEditor, fromLocalInput } from '../../components/expiry-editor'
import { DataTable, type Column } from '../../table'
import { fieldErrors } from '../../validation'

type Key = {
  api_key_id: string
  name: string
  api_key: string
  enabled: boolean
  read_only: boolean
  expires: string | null
  last_used: string | null
  permissions: string[]
}
const mode = (k: Key) => (!k.enabled ? 'disabled' : k.read_only ? 'read only' : 'read/write')

/** Developer API keys: the secret is shown once at creation; mode, expiry and permissions change afterwards. */
export function AdminApiKeys({ grantable }: { grantable: string[] }) {
  const [keys, setKeys] = useState<Key[]>([])
  const [form, setForm] = useState({ name: '', read_only: false, expires: '' })
  const [secret, setSecret] = useState<{ key: string; secret: string } | null>(null)
  const load = () =>
    api<{ api_keys: Key[] }>('get_api_keys').then(
      (r) => setKeys(r.api_keys),
      (e: Error) => setError(e.message),
    )
  const { error, note, run, setError } = useAction(load)
  useEffect(() => void load(), [])
  const target = { name: form.name, read_only: form.read_only, ...(form.expires ? { expires: fromLocalInput(form.expires) } : {}) }
  const problems = form.name || form.expires ? fieldErrors(CreateApiKeySchema, { target_api_key: target }, 'target_api_key') : {}
  const create = async (e: Event) => {
    e.preventDefault()
    const r = await run<{ api_key: { api_key: string; api_key_secret: string } }>('create_api_key', { target_api_key: target })
    if (!r) return
    setSecret({ key: r.api_key.api_key, secret: r.api_key.api_key_secret })
    setForm({ name: '', read_only: false, expires: '' })
  }
  const update = (k: Key, change: Record<string, unknown>, done: string) =>
    run('update_api_key', { target_api_key: { api_key_id: k.api_key_id, ...change } }, done)
  const toggle = (k: Key, p: string) => {
    const next = k.permissions.includes(p) ? k.permissions.filter((x) => x !== p) : [...k.permissions, p]
    // Shown at once; the reload after the request puts back the truth if it was refused.
    setKeys(keys.map((x) => (x.api_key_id === k.api_key_id ? { ...x, permissions: next } : x)))
    return run('set_api_key_permissions', { target_api_key: { api_key_id: k.api_key_id }, target_permissions: next })
  }
  const checkExpiry = (k: Key) => (expires: string | null) =>
    fieldErrors(UpdateApiKeySchema, { target_api_key: { api_key_id: k.api_key_id, expires } }, 'target_api_key').expires
  const columns: Column<Key>[] = [
    { label: 'Name', sort: (k) => k.name, cell: (k) => k.name },
    { label: 'Key', sort: (k) => k.api_key, cell: (k) => <code>{k.api_key}</code> },
    { label: 'Mode', sort: mode, cell: mode },
    {
      label: 'Expires',
      sort: (k) => (k.expires ? Date.parse(k.expires) : null),
      // Keyed by the saved value, so the box shows the edge's value after every save.
      cell: (k) => (
        <ExpiryEditor
          key={k.expires ?? 'never'}
          name={k.name}
          expires={k.expires}
          check={checkExpiry(k)}
          onSave={(expires) =>
            update(k, { expires }, expires ? `${k.name} now expires ${new Date(expires).toLocaleString()}` : `${k.name} never expires`)
          }
        />
      ),
    },
    {
      label: 'Last used',
      sort: (k) => (k.last_used ? Date.parse(k.last_used) : null),
      cell: (k) => (k.last_used ? new Date(k.last_used).toLocaleString() : '—'),
    },
    {
      label: 'Permissions',
      sort: (k) => k.permissions.length,
      cell: (k) => (
        <details>
          <summary>{k.permissions.length ? k.permissions.join(', ') : 'none'}</summary>
          {grantable.map((p) => (
            <label key={p} class="check">
              <input type="checkbox" checked={k.permissions.includes(p)} onChange={() => void toggle(k, p)} /> {p}
            </label>
          ))}
        </details>
      ),
    },
    {
      label: '',
      class: 'actions',
      cell: (k) => (
        <>
          <button onClick={() => update(k, { read_only: !k.read_only }, `${k.name} is now ${k.read_only ? 'read/write' : 'read only'}`)}>
            {k.read_only ? 'Allow writes' : 'Make read only'}
          </button>
          <button onClick={() => update(k, { enabled: !k.enabled }, `${k.name} is now ${k.enabled ? 'disabled' : 'enabled'}`)}>
            {k.enabled ? 'Disable' : 'Enable'}
          </button>
          <button
            class="danger"
            onClick={() =>
              confirm(`Delete the API key ${k.name}? Programs using it stop working.`) &&
              run('delete_api_key', { target_api_key: { api_key_id: k.api_key_id } })
            }
          >
            Delete
          </button>
        </>
      ),
    },
  ]
  return (
    <main class="admin">
      <h2>API keys</h2>
      <form class="inline" aria-label="Create API key" onSubmit={create}>
        <label>
          Key name <input value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </label>
        {problems.name && <span class="error">{problems.name}</span>}
        <label>
          Expires <input type="datetime-local" value={form.expires} onInput={(e) => setForm({ ...form, expires: e.currentTarget.value })} />
        </label>
        {problems.expires && <span class="error">{problems.expires}</span>}
        <label class="check">
          <input type="checkbox" checked={form.read_only} onChange={(e) => setForm({ ...form, read_only: e.currentTarget.checked })} /> Read
          only
        </label>
        <button type="submit" disabled={!form.name.trim() || Object.keys(problems).length > 0}>
          Create API key
        </button>
      </form>
      <Feedback error={error} note={note} />
      {secret && (
        <p role="status" class="secret">
          Key <code>{secret.key}</code>, secret <code>{secret.secret}</code>. Copy the secret now: it is not shown again.
        </p>
      )}
      <DataTable label="API keys" rows={keys} columns={columns} rowKey={(k) => k.api_key_id} />
    </main>
  )
}
