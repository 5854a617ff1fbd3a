import { useState } from 'preact/hooks'
import { UpdateZoneSchema } from '#schema/contracts'
import { fieldErrors } from '../../validation'

export type ZoneDetails = {
  zone_id: string
  zone_name: string
  description: string | null
  load_balancing_strategy: string
  search_alternate_zones: boolean
  allow_origin_domain: string | null
  upstream_auth_address: string | null
  proxy_connections: boolean
  proxy_hostname: string | null
  proxy_port: number | null
  proxy_path: string | null
}
const TEXT = [
  ['zone_name', 'Zone name'],
  ['description', 'Description'],
  ['allow_origin_domain', 'Allowed origin domain'],
  ['upstream_auth_address', 'Upstream auth address'],
  ['proxy_hostname', 'Proxy hostname'],
  ['proxy_port', 'Proxy port'],
  ['proxy_path', 'Proxy path'],
] as const

/** Every field update_zone takes, checked as you type; empty text clears a field. */
export function ZoneEditor({
  zone,
  onSave,
  onClose,
}: {
  zone: ZoneDetails
  onSave: (target: Record<string, unknown>) => Promise<unknown>
  onClose: () => void
}) {
  const [form, setForm] = useState<Record<string, string | boolean>>({
    ...Object.fromEntries(TEXT.map(([k]) => [k, zone[k] === null ? '' : String(zone[k])])),
    load_balancing_strategy: zone.load_balancing_strategy,
    search_alternate_zones: zone.search_alternate_zones,
    proxy_connections: zone.proxy_connections,
  })
  const text = (k: string) => (form[k] as string).trim()
  const target = {
    zone_id: zone.zone_id,
    ...Object.fromEntries(TEXT.filter(([k]) => k !== 'zone_name' && k !== 'proxy_port').map(([k]) => [k, text(k) || null])),
    zone_name: text('zone_name'),
    proxy_port: text('proxy_port') === '' ? null : Number(text('proxy_port')),
    load_balancing_strategy: form.load_balancing_strategy,
    search_alternate_zones: form.search_alternate_zones,
    proxy_connections: form.proxy_connections,
  }
  const problems = fieldErrors(UpdateZoneSchema, { target_zone: target }, 'target_zone')
  const check = (k: string, label: string) => (
    <label>
      <input type="checkbox" checked={form[k] as boolean} onChange={(e) => setForm({ ...form, [k]: e.currentTarget.checked })} /> {label}
    </label>
  )
  return (
    <form
      class="stacked"
      aria-label={`Edit zone ${zone.zone_name}`}
      onSubmit={(e) => {
        e.preventDefault()
        void onSave(target)
      }}
    >
      {TEXT.map(([k, label]) => (
        <label key={k}>
          {label}
          <input
            aria-label={label}
            value={form[k] as string}
            disabled={k === 'zone_name' && zone.zone_name === 'default'}
            onInput={(e) => setForm({ ...form, [k]: e.currentTarget.value })}
          />
          {problems[k] && <span class="error">{problems[k]}</span>}
        </label>
      ))}
      <label>
        Load balancing
        <select
          aria-label="Load balancing"
          value={form.load_balancing_strategy as string}
          onChange={(e) => setForm({ ...form, load_balancing_strategy: e.currentTarget.value })}
        >
          <option value="least_load">least load (spread sessions)</option>
          <option value="most_load">most load (fill agents in turn)</option>
        </select>
      </label>
      {check('search_alternate_zones', 'Search other zones when this one is full')}
      {check('proxy_connections', 'Proxy connections through the zone’s proxy')}
      <button type="submit" disabled={Object.keys(problems).length > 0}>
        Save zone
      </button>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </form>
  )
}
