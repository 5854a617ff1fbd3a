// deploy/'s compose files refuse to start without what an operator must give them, naming it, before any
// container is made (`docker-compose config` interpolates exactly as `up` does). Running them is
// tests/e2e/multi-host.test.ts.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '../..')

function config(dir: string, env: Record<string, string>) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORIEL_')))
  const r = spawnSync('docker-compose', ['-f', `deploy/${dir}/compose.yaml`, 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...clean, ...env } as NodeJS.ProcessEnv,
  })
  return { status: r.status, out: `${r.stdout}${r.stderr}` }
}

it.each([
  ['agent', 'ORIEL_AGENT_PUBLIC_URL', 'set ORIEL_AGENT_PUBLIC_URL to where browsers reach this agent'],
  ['conn-proxy', 'ORIEL_PROXY_PUBLIC_URL', 'set ORIEL_PROXY_PUBLIC_URL to where browsers reach this proxy'],
])('%s: the edge URL and the public URL are required, by name', (dir, publicUrl, message) => {
  const none = config(dir, {})
  expect(none.status).not.toBe(0)
  expect(none.out).toContain('set ORIEL_EDGE_URL to the edge URL')
  const noPublic = config(dir, { ORIEL_EDGE_URL: 'https://oriel.example.com' })
  expect(noPublic.status).not.toBe(0)
  expect(noPublic.out).toContain(message)
  const given = config(dir, { ORIEL_EDGE_URL: 'https://oriel.example.com', [publicUrl]: 'https://host.example.com' })
  expect([given.status, given.out]).toEqual([0, expect.stringContaining('ORIEL_EDGE_URL: https://oriel.example.com')])
})
