import { describe, expect, it } from 'vitest'
import { flagsToEnv, loadConfig } from '../../../agent/src/config'

describe('agent configuration', () => {
  it('reads variables, with flags taking precedence, and fills defaults', () => {
    const env = { ORIEL_EDGE_URL: 'https://edge.example', ORIEL_AGENT_PUBLIC_URL: 'https://a1.example', ORIEL_AGENT_LABELS: 'ssd, gpu' }
    const c = loadConfig({ ...env, ...flagsToEnv({ 'edge-url': 'https://other.example', 'listen-port': '9000' }) }, 'host-1')
    expect(c).toMatchObject({ edgeUrl: 'https://other.example', publicUrl: 'https://a1.example', labels: ['ssd', 'gpu'], listenPort: 9000, name: 'host-1', listenHost: '127.0.0.1' })
  })

  it('says what is missing or wrong, naming the variable and its flag', () => {
    expect(() => loadConfig({}, 'h')).toThrow('ORIEL_EDGE_URL (or --edge-url) is required')
    expect(() => loadConfig({ ORIEL_EDGE_URL: 'nope', ORIEL_AGENT_PUBLIC_URL: 'http://x' }, 'h')).toThrow('ORIEL_EDGE_URL must be a URL')
    expect(() => loadConfig({ ORIEL_EDGE_URL: 'http://e', ORIEL_AGENT_PUBLIC_URL: 'http://x', ORIEL_AGENT_LISTEN_PORT: 'x' }, 'h')).toThrow(/ORIEL_AGENT_LISTEN_PORT must be a port/)
    expect(() => flagsToEnv({ zone: 'z' })).toThrow(/unknown flag --zone/)
  })
})
