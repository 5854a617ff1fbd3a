// The daemons' settings: an empty variable counts as unset (compose and unit files write `X=` for
// "not given"), so the default applies instead of a refusal; a wrong value is still refused by name.
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../conn-proxy/src/config'

const base = { ORIEL_EDGE_URL: 'https://edge.example', ORIEL_PROXY_PUBLIC_URL: 'https://proxy.example' }

describe('daemon settings', () => {
  it('reads an empty variable as unset: the default applies', () => {
    const c = loadConfig({ ...base, ORIEL_PROXY_CLUSTER_SIZE: '', ORIEL_PROXY_TOKEN: '', GUACD_PORT: '' }, 'h')
    expect(c.clusterSize).toBeGreaterThanOrEqual(1)
    expect(c.guacd).toEqual({ host: '127.0.0.1', port: 4822 })
    expect(c.token).toBeUndefined()
  })

  it('still refuses a wrong value, and a required one left empty', () => {
    expect(() => loadConfig({ ...base, ORIEL_PROXY_CLUSTER_SIZE: '0' }, 'h')).toThrow(
      'ORIEL_PROXY_CLUSTER_SIZE must be a whole number from 1 to 64',
    )
    expect(() => loadConfig({ ...base, ORIEL_EDGE_URL: '' }, 'h')).toThrow('ORIEL_EDGE_URL (or --edge-url) is required')
  })
})
