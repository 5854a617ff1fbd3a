import { useState } from 'preact/hooks'
import { CreateServerPoolSchema, SERVER_POOL_TYPES } from '#schema/contracts'
import { Feedback, useAction } from '../../../action'
import { DataTable, type Column } from '../../../table'
import { fieldErrors } from '../../../validation'
import type { ServerPool } from './model'

type PoolsProps = { pools: ServerPool[]; may: (permission: string) => boolean; onChanged: () => Promise<unknown> }

/** Server pools: enough to choose one for a server (list, create, rename, delete). */
export function ServerPools({ pools, may, onChanged }: PoolsProps) {
  const { error, note, run } = useAction(onChanged)
  const [form, setForm] = useState({ server_pool_name: '', server_pool_type: 'Server', description: '' })
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null)
  const target = { ...form, description: form.description || null }
  const problems = form.server_pool_name ? fieldErrors(CreateServerPoolSchema, { target_server_pool: target }, 'target_server_pool') : {}
  const renameProblem = renaming
    ? fieldErrors(CreateServerPoolSchema, { target_server_pool: { server_pool_name: renaming.name } }, 'target_server_pool')
        .server_pool_name
    : undefined
  const create = async (e: Event) => {
    e.preventDefault()
    if (await run('create_server_pool', { target_server_pool: target }, `Created pool ${form.server_pool_name.trim()}`)) {
      setForm({ server_pool_name: '', server_pool_type: form.server_pool_type, description: '' })
    }
  }
  const rename = async () => {
    if (!renaming) return
    const body = { target_server_pool: { server_pool_id: renaming.id, server_pool_name: renaming.name } }
    if (await run('update_server_pool', body, `Renamed to ${renaming.name.trim()}`)) setRenaming(null)
  }
  const columns: Column<ServerPool>[] = [
    {
      label: 'Pool',
      sort: (p) => p.server_pool_name,
      cell: (p) =>
        renaming?.id === p.server_pool_id ? (
          <span class="actions">
            <input
              aria-label={`New name for ${p.server_pool_name}`}
              value={renaming.name}
              onInput={(e) => setRenaming({ id: p.server_pool_id, name: e.currentTarget.value })}
            />
            {renameProblem && <span class="error">{renameProblem}</span>}
            <button type="button" disabled={!!renameProblem} onClick={rename}>
              Save name
            </button>
            <button type="button" onClick={() => setRenaming(null)}>
              Cancel
            </button>
          </span>
        ) : (
          p.server_pool_name
        ),
    },
    { label: 'Type', sort: (p) => p.server_pool_type, cell: (p) => p.server_pool_type },
    { label: 'Description', sort: (p) => p.description, cell: (p) => p.description },
    { label: 'Servers', sort: (p) => p.server_count, cell: (p) => p.server_count },
    {
      label: 'Actions',
      class: 'actions',
      cell: (p) => (
        <>
          {may('servers_modify') && (
            <button
              type="button"
              aria-label={`Rename ${p.server_pool_name}`}
              onClick={() => setRenaming({ id: p.server_pool_id, name: p.server_pool_name })}
            >
              Rename
            </button>
          )}
          {may('servers_delete') && (
            <button
              type="button"
              class="danger"
              aria-label={`Delete ${p.server_pool_name}`}
              onClick={() =>
                confirm(`Delete the pool ${p.server_pool_name}?`) &&
                run(
                  'delete_server_pool',
                  { target_server_pool: { server_pool_id: p.server_pool_id } },
                  `Deleted pool ${p.server_pool_name}`,
                )
              }
            >
              Delete
            </button>
          )}
        </>
      ),
    },
  ]
  return (
    <section aria-label="Server pools">
      <h3>Server pools</h3>
      {may('servers_create') && (
        <form class="inline" aria-label="Create server pool" onSubmit={create}>
          <label>
            Pool name <input value={form.server_pool_name} onInput={(e) => setForm({ ...form, server_pool_name: e.currentTarget.value })} />
          </label>
          {problems.server_pool_name && <span class="error">{problems.server_pool_name}</span>}
          <label>
            Pool type
            <select value={form.server_pool_type} onChange={(e) => setForm({ ...form, server_pool_type: e.currentTarget.value })}>
              {SERVER_POOL_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label>
            Pool description <input value={form.description} onInput={(e) => setForm({ ...form, description: e.currentTarget.value })} />
          </label>
          {problems.description && <span class="error">{problems.description}</span>}
          <button type="submit" disabled={!form.server_pool_name.trim() || Object.keys(problems).length > 0}>
            Create pool
          </button>
        </form>
      )}
      <Feedback error={error} note={note} />
      <DataTable label="Server pools" rows={pools} columns={columns} rowKey={(p) => p.server_pool_id} />
    </section>
  )
}
