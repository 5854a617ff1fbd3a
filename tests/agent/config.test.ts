import { describe, expect, it } from 'vitest'
import { flagsToEnv, loadConfig } from '../../agent/src/config'
import { createCrashPoint } from '../../agent/src/sessions/crash-point'

describe('agent configuration', () => {
  it('reads variables, with flags taking precedence, and fills defaults', () => {
    const env = { ORIEL_EDGE_URL: 'https://edge.example', ORIEL_AGENT_PUBLIC_URL: 'https://a1.example', ORIEL_AGENT_LABELS: 'ssd, gpu' }
    const c = loadConfig({ ...env, ...flagsToEnv({ 'edge-url': 'https://other.example', 'listen-port': '9000' }) }, 'host-1')
    expect(c).toMatchObject({
      edgeUrl: 'https://other.example',
      publicUrl: 'https://a1.example',
      labels: ['ssd', 'gpu'],
      listenPort: 9000,
      name: 'host-1',
      listenHost: '127.0.0.1',
    })
  })

  it('says what is missing or wrong, naming the variable and its flag', () => {
    expect(() => loadConfig({}, 'h')).toThrow('ORIEL_EDGE_URL (or --edge-url) is required')
    expect(() => loadConfig({ ORIEL_EDGE_URL: 'nope', ORIEL_AGENT_PUBLIC_URL: 'http://x' }, 'h')).toThrow('ORIEL_EDGE_URL must be a URL')
    expect(() => loadConfig({ ORIEL_EDGE_URL: 'http://e', ORIEL_AGENT_PUBLIC_URL: 'http://x', ORIEL_AGENT_LISTEN_PORT: 'x' }, 'h')).toThrow(
      /ORIEL_AGENT_LISTEN_PORT must be a port/,
    )
    expect(() => flagsToEnv({ zone: 'z' })).toThrow(/unknown flag --zone/)
  })

  it('arms a crash point from ORIEL_CRASH_POINT only when set, and refuses a bad one', () => {
    const base = { ORIEL_EDGE_URL: 'http://e', ORIEL_AGENT_PUBLIC_URL: 'http://x' }
    expect(loadConfig(base, 'h').crashPoint).toBeUndefined()
    expect(loadConfig({ ...base, ORIEL_CRASH_POINT: '' }, 'h').crashPoint).toBeUndefined()
    expect(loadConfig({ ...base, ORIEL_CRASH_POINT: 'after-create:3' }, 'h').crashPoint).toEqual({ point: 'after-create', nth: 3 })
    for (const bad of ['after-create', 'after-create:0', 'mid-pull:1', 'after-start:x']) {
      expect(() => loadConfig({ ...base, ORIEL_CRASH_POINT: bad }, 'h')).toThrow(/ORIEL_CRASH_POINT must be <point>:<n>/)
    }
  })
})

describe('the crash point (fault injection)', () => {
  it('kills once, the nth time its point is reached, and never when unarmed', () => {
    const kills: string[] = []
    const armed = createCrashPoint({ point: 'after-create', nth: 2 }, () => kills.push('kill'))
    for (const p of ['before-create', 'after-create', 'before-create', 'after-start', 'after-create', 'after-create'] as const) armed(p)
    expect(kills).toEqual(['kill'])
    const unarmed = createCrashPoint(undefined, () => kills.push('unarmed'))
    unarmed('after-create')
    expect(kills).toEqual(['kill'])
  })
})
