import { useEffect, useState } from 'preact/hooks'
import { Feedback, failure, useAction } from '../../../action'
import { api } from '../../../api'
import { DataTable } from '../../../table'
import { ImportWizard } from './import-wizard'
import { loadRefs, type Refs, type ServerView } from './model'
import { ServerPools } from './pools'
import { ServerFormView } from './server-form'
import { filterServers, NO_FILTERS, ServerFilterBar, serverColumns } from './server-table'
import './servers.css'

export type AdminServersProps = { may: (permission: string) => boolean }

/** Fixed servers (Kasm's docs: Servers): the list with filters, one form to add and edit, bulk import, and pools. */
export function AdminServersPage({ may }: AdminServersProps) {
  const [servers, setServers] = useState<ServerView[]>([])
  const [refs, setRefs] = useState<Refs | null>(null)
  const [filters, setFilters] = useState(NO_FILTERS)
  const [editing, setEditing] = useState<ServerView | 'new' | null>(null)
  const [importing, setImporting] = useState(false)
  const load = async () => {
    try {
      const [s, r] = await Promise.all([api<{ servers: ServerView[] }>('get_servers'), loadRefs()])
      setServers(s.servers)
      setRefs(r)
    } catch (err) {
      setError(failure(err, 'Could not load the servers'))
    }
  }
  const { error, note, run, setError } = useAction(load)
  useEffect(() => void load(), [])

  const save = async (target: Record<string, unknown>) => {
    const saved =
      editing === 'new' || editing === null
        ? await run('create_server', { target_server: target }, `Created ${String(target.name)}`)
        : await run(
            'update_server',
            { target_server: { server_id: editing.server_id, ...target } },
            `Saved ${String(target.name ?? editing.name)}`,
          )
    if (saved) setEditing(null)
    return saved !== null
  }
  const columns = serverColumns({
    may,
    onEdit: (s) => (setImporting(false), setEditing(s)),
    onToggle: (s) =>
      run(
        'update_server',
        { target_server: { server_id: s.server_id, enabled: !s.enabled } },
        `${s.enabled ? 'Disabled' : 'Enabled'} ${s.name}`,
      ),
    // A workspace that uses the server makes the edge refuse (409); its message says which to change.
    onDelete: (s) =>
      confirm(`Delete the server ${s.name}?`) && run('delete_server', { target_server: { server_id: s.server_id } }, `Deleted ${s.name}`),
  })
  const shown = filterServers(servers, filters)
  return (
    <main class="admin servers">
      <h2>Servers</h2>
      {may('servers_create') && (
        <div class="toolbar">
          <button type="button" onClick={() => (setImporting(false), setEditing('new'))}>
            Add server
          </button>
          <button type="button" onClick={() => (setEditing(null), setImporting(true))}>
            Import servers
          </button>
        </div>
      )}
      <Feedback error={error} note={note} />
      {editing && refs && (
        // Keyed by what is edited, so choosing another server starts its form afresh.
        <ServerFormView
          key={editing === 'new' ? 'new' : editing.server_id}
          editing={editing === 'new' ? null : editing}
          refs={refs}
          onSave={save}
          onCancel={() => setEditing(null)}
        />
      )}
      {importing && <ImportWizard onImported={() => void load()} onClose={() => setImporting(false)} />}
      <ServerFilterBar servers={servers} filters={filters} onChange={setFilters} />
      {shown.length < servers.length && (
        <p class="note">
          Showing {shown.length} of {servers.length} servers
        </p>
      )}
      <DataTable label="Servers" rows={shown} columns={columns} rowKey={(s) => s.server_id} />
      {refs && <ServerPools pools={refs.pools} may={may} onChanged={load} />}
    </main>
  )
}
