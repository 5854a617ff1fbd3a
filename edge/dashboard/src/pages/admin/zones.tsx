import { useEffect, useState } from 'preact/hooks'
import { CreateZoneSchema } from '#schema/contracts'
import { Feedback, failure, useAction } from '../../action'
import { api } from '../../api'
import { DataTable, type Column } from '../../table'
import { fieldErrors } from '../../validation'
import { ZoneEditor, type ZoneDetails } from './zone-editor'

type Zone = ZoneDetails
type Token = { registration_token_id: string; zone_id: string; description: string | null; expires: string; revoked: string | null }
const tokenState = (t: Token) => (t.revoked ? 'revoked' : new Date(t.expires) < new Date() ? 'expired' : 'active')

/** Zones and their agent registration tokens (a new token is shown once, then only its metadata). */
export function AdminZones() {
  const [zones, setZones] = useState<Zone[]>([])
  const [tokens, setTokens] = useState<Token[]>([])
  const [name, setName] = useState('')
  const [fresh, setFresh] = useState<string | null>(null)
  const [editing, setEditing] = useState<string | null>(null)
  const load = async () => {
    try {
      const [z, t] = await Promise.all([
        api<{ zones: Zone[] }>('get_zones'),
        api<{ registration_tokens: Token[] }>('get_registration_tokens'),
      ])
      setZones(z.zones)
      setTokens(t.registration_tokens)
    } catch (err) {
      setError(failure(err, 'Could not load the zones'))
    }
  }
  const { error, run, setError } = useAction(load)
  useEffect(() => void load(), [])
  const act = async (verb: string, body: Record<string, unknown>) => {
    const r = await run<{ registration_token?: { token: string } }>(verb, body)
    if (r?.registration_token?.token) setFresh(r.registration_token.token)
    return r
  }
  const problems = name ? fieldErrors(CreateZoneSchema, { target_zone: { zone_name: name } }, 'target_zone') : {}
  const zoneName = (id: string) => zones.find((z) => z.zone_id === id)?.zone_name ?? id
  const zoneColumns: Column<Zone>[] = [
    { label: 'Zone', sort: (z) => z.zone_name, cell: (z) => z.zone_name },
    { label: 'Description', sort: (z) => z.description, cell: (z) => z.description },
    { label: 'Load balancing', sort: (z) => z.load_balancing_strategy, cell: (z) => z.load_balancing_strategy },
    {
      label: '',
      class: 'actions',
      cell: (z) => (
        <>
          <button onClick={() => setEditing(z.zone_id)}>Edit</button>
          <button onClick={() => act('create_registration_token', { target_registration_token: { zone_id: z.zone_id } })}>
            New registration token
          </button>
          {z.zone_name !== 'default' && (
            <button class="danger" onClick={() => act('delete_zone', { target_zone: { zone_id: z.zone_id } })}>
              Delete
            </button>
          )}
        </>
      ),
    },
  ]
  const tokenColumns: Column<Token>[] = [
    { label: 'Zone', sort: (t) => zoneName(t.zone_id), cell: (t) => zoneName(t.zone_id) },
    { label: 'Expires', sort: (t) => Date.parse(t.expires), cell: (t) => new Date(t.expires).toLocaleString() },
    { label: 'State', sort: tokenState, cell: tokenState },
    {
      label: '',
      cell: (t) =>
        !t.revoked && (
          <button
            onClick={() =>
              act('revoke_registration_token', { target_registration_token: { registration_token_id: t.registration_token_id } })
            }
          >
            Revoke
          </button>
        ),
    },
  ]
  return (
    <main class="admin">
      <h2>Zones</h2>
      <form
        class="inline"
        aria-label="Create zone"
        onSubmit={async (e) => {
          e.preventDefault()
          if (await act('create_zone', { target_zone: { zone_name: name } })) setName('')
        }}
      >
        <label>
          Zone name <input value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        {problems.zone_name && <span class="error">{problems.zone_name}</span>}
        <button type="submit" disabled={!name.trim() || Object.keys(problems).length > 0}>
          Create zone
        </button>
      </form>
      <Feedback error={error} />
      {fresh && (
        <p role="status" class="secret">
          New registration token (shown once; start an agent with <code>--token</code>): <code>{fresh}</code>
        </p>
      )}
      <DataTable label="Zones" rows={zones} columns={zoneColumns} rowKey={(z) => z.zone_id} />
      {editing && zones.some((z) => z.zone_id === editing) && (
        <ZoneEditor
          key={editing}
          zone={zones.find((z) => z.zone_id === editing)!}
          onClose={() => setEditing(null)}
          onSave={async (target) => (await act('update_zone', { target_zone: target })) && setEditing(null)}
        />
      )}
      <h3>Registration tokens</h3>
      <DataTable
        label="Registration tokens"
        rows={tokens}
        columns={tokenColumns}
        rowKey={(t) => t.registration_token_id}
        initialSort={{ column: 1, desc: true }}
      />
    </main>
  )
}
