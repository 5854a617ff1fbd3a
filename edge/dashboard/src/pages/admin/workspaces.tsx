import { useEffect, useState } from 'preact/hooks'
import { Feedback, useAction } from '../../action'
import { api } from '../../api'
import { DataTable, type Column } from '../../table'
import { GiB, WorkspaceForm, type Image, type Targets, type Zone } from './workspace-form'

const isContainer = (i: Image) => i.image_type === 'Container'

/** Workspaces: list (sorted, paged), create and edit, enable and disable. */
export function AdminWorkspaces() {
  const [images, setImages] = useState<Image[]>([])
  const [editing, setEditing] = useState<Image | null>(null)
  const [zones, setZones] = useState<Zone[]>([])
  const [targets, setTargets] = useState<Targets>({ servers: [], pools: [] })
  const load = () =>
    api<{ images: Image[] }>('get_images').then(
      (r) => setImages(r.images),
      (e: Error) => setError(e.message),
    )
  const { error, run, setError } = useAction(load)
  useEffect(() => {
    void load()
    api<{ zones: Zone[] }>('get_zones').then(
      (r) => setZones(r.zones),
      () => {},
    )
    // Admins without servers_view still edit container and link workspaces; the pickers stay empty.
    api<{ servers: Targets['servers'] }>('get_servers').then(
      (r) => setTargets((t) => ({ ...t, servers: r.servers })),
      () => {},
    )
    api<{ server_pools: Targets['pools'] }>('get_server_pools').then(
      (r) => setTargets((t) => ({ ...t, pools: r.server_pools })),
      () => {},
    )
  }, [])
  const save = async (target: Record<string, unknown>) => {
    const saved = await run(editing ? 'update_image' : 'create_image', {
      target_image: editing ? { image_id: editing.image_id, ...target } : target,
    })
    if (saved) setEditing(null)
    return saved !== null
  }
  const columns: Column<Image>[] = [
    { label: 'Name', sort: (i) => i.friendly_name, cell: (i) => i.friendly_name },
    { label: 'Type', sort: (i) => i.image_type, cell: (i) => i.image_type },
    { label: 'Image or link', sort: (i) => i.name ?? i.link_url, cell: (i) => i.name ?? i.link_url },
    // Only containers have resources; the other types show none.
    { label: 'Cores', sort: (i) => (isContainer(i) ? i.cores : null), cell: (i) => (isContainer(i) ? i.cores : '—') },
    {
      label: 'Memory',
      sort: (i) => (isContainer(i) ? i.memory : null),
      cell: (i) => (isContainer(i) ? `${(i.memory / GiB).toFixed(1)} GiB` : '—'),
    },
    { label: 'State', sort: (i) => (i.enabled ? 'enabled' : 'disabled'), cell: (i) => (i.enabled ? 'enabled' : 'disabled') },
    {
      label: 'Actions',
      class: 'actions',
      cell: (i) => (
        <>
          <button onClick={() => setEditing(i)}>Edit</button>
          <button onClick={() => run('update_image', { target_image: { image_id: i.image_id, enabled: !i.enabled } })}>
            {i.enabled ? 'Disable' : 'Enable'}
          </button>
        </>
      ),
    },
  ]
  return (
    <main class="admin">
      <h2>Workspaces</h2>
      {/* Keyed by what is edited, so choosing another workspace starts its form afresh. */}
      <WorkspaceForm
        key={editing?.image_id ?? 'new'}
        editing={editing}
        zones={zones}
        targets={targets}
        onSave={save}
        onCancel={() => setEditing(null)}
      />
      <Feedback error={error} />
      <DataTable label="Workspaces" rows={images} columns={columns} rowKey={(i) => i.image_id} />
    </main>
  )
}
