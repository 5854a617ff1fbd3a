import { useEffect, useState } from 'preact/hooks'
import { Feedback, failure, useAction } from '../../action'
import { api } from '../../api'
import { DataTable, type Column } from '../../table'

/** A proxy as get_connection_proxies answers it (Kasm's connection_proxies field names). */
type Proxy = {
  connection_proxy_id: string
  connection_proxy_type: string
  zone_id: string
  name: string
  server_address: string
  server_port: number
  public_url: string
  status: string
  enabled: boolean
  draining: boolean
  cluster_size: number
  connections: number
  cpu_percent: number
  first_reported: string | null
  last_reported: string | null
  version: string | null
}
type Zone = { zone_id: string; zone_name: string }

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—')

/**
 * Connection proxies (Kasm: Infrastructure → Connection Proxies): each proxy's state and last reported
 * load, and the controls the admin's permissions allow. Proxies enrol themselves with a zone's
 * registration token, so there is nothing to create here.
 */
export function AdminProxies({ may }: { may: (permission: string) => boolean }) {
  const [proxies, setProxies] = useState<Proxy[]>([])
  const [zones, setZones] = useState<Zone[]>([])
  const load = async () => {
    try {
      const [p, z] = await Promise.all([
        api<{ connection_proxies: Proxy[] }>('get_connection_proxies'),
        // Zone names are a courtesy: without zones_view the page shows the zone's id.
        may('zones_view') ? api<{ zones: Zone[] }>('get_zones').catch(() => ({ zones: [] })) : { zones: [] },
      ])
      setProxies(p.connection_proxies)
      setZones(z.zones)
    } catch (err) {
      setError(failure(err, 'Could not load the connection proxies'))
    }
  }
  const { error, note, run, setError } = useAction(load)
  useEffect(() => void load(), [])
  const update = (p: Proxy, change: { enabled?: boolean; draining?: boolean }, done: string) =>
    run('update_connection_proxy', { target_connection_proxy: { connection_proxy_id: p.connection_proxy_id, ...change } }, done)
  const remove = (p: Proxy) =>
    confirm(`Delete the connection proxy ${p.name}? Its connections end, and it must enrol again with a new registration token.`) &&
    run('delete_connection_proxy', { target_connection_proxy: { connection_proxy_id: p.connection_proxy_id } }, `Deleted ${p.name}`)
  const zoneName = (id: string) => zones.find((z) => z.zone_id === id)?.zone_name ?? id
  const state = (p: Proxy) => (!p.enabled ? 'disabled' : p.draining ? `${p.status}, draining` : p.status)

  const columns: Column<Proxy>[] = [
    { label: 'Name', sort: (p) => p.name, cell: (p) => p.name },
    { label: 'Status', sort: state, cell: state },
    { label: 'Zone', sort: (p) => zoneName(p.zone_id), cell: (p) => zoneName(p.zone_id) },
    { label: 'Address', sort: (p) => p.public_url, cell: (p) => `${p.server_address}:${p.server_port}` },
    { label: 'Connections', sort: (p) => p.connections, cell: (p) => p.connections },
    { label: 'CPU', sort: (p) => p.cpu_percent, cell: (p) => `${Math.round(p.cpu_percent)} %` },
    { label: 'Cluster size', sort: (p) => p.cluster_size, cell: (p) => p.cluster_size },
    { label: 'Last seen', sort: (p) => p.last_reported, cell: (p) => when(p.last_reported) },
    { label: 'Version', sort: (p) => p.version, cell: (p) => p.version ?? '—' },
  ]
  if (may('connection_proxies_modify') || may('connection_proxies_delete'))
    columns.push({
      label: 'Actions',
      class: 'actions',
      cell: (p) => (
        <>
          {may('connection_proxies_modify') && (
            <>
              <button onClick={() => update(p, { enabled: !p.enabled }, `${p.enabled ? 'Disabled' : 'Enabled'} ${p.name}`)}>
                {p.enabled ? 'Disable' : 'Enable'}
              </button>
              <button onClick={() => update(p, { draining: !p.draining }, `${p.draining ? 'Stopped draining' : 'Draining'} ${p.name}`)}>
                {p.draining ? 'Stop draining' : 'Drain'}
              </button>
            </>
          )}
          {may('connection_proxies_delete') && (
            <button class="danger" onClick={() => void remove(p)}>
              Delete
            </button>
          )}
        </>
      ),
    })
  return (
    <main class="admin">
      <h2>Connection proxies</h2>
      <p class="note">
        Proxies carry fixed-server sessions (SSH, VNC, RDP, KasmVNC) to the browser. A proxy joins a zone with one of the zone's
        registration tokens; a disabled or draining one is offered no new sessions.
      </p>
      <Feedback error={error} note={note} />
      <DataTable label="Connection proxies" rows={proxies} columns={columns} rowKey={(p) => p.connection_proxy_id} />
      {proxies.length === 0 && !error && <p class="note">No connection proxy has enrolled yet.</p>}
    </main>
  )
}
