// The daemons' identity file (daemon-kit/src/identity.ts): made once, kept private, read back the same.
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { loadIdentity } from '#daemon-kit'

it('makes a key pair on first start, keeps it 0600, and gives the same key, id and derived values after a restart', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'oriel-identity-')), 'agent')
  const first = await loadIdentity(dir, 'agent')
  expect(first.id).toBeUndefined()
  expect(first.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.stringMatching(/^[\w-]{43}$/) })
  expect(statSync(join(dir, 'identity.json')).mode & 0o777).toBe(0o600)
  expect(statSync(dir).mode & 0o777).toBe(0o700)
  first.saveEnrolment('agent-1', { keys: [] })

  const again = await loadIdentity(dir, 'agent')
  expect(again.id).toBe('agent-1')
  expect(again.edgeJwks).toEqual({ keys: [] })
  expect(again.publicJwk).toEqual(first.publicJwk)
  expect(again.derive('vnc:k1')).toBe(first.derive('vnc:k1'))
  expect(again.derive('vnc:k1')).not.toBe(again.derive('vnc:k2'))
  // The file an agent wrote before the kit keeps working: its id is stored as agentId.
  expect(JSON.parse(readFileSync(join(dir, 'identity.json'), 'utf8')).agentId).toBe('agent-1')
  // A proxy's id is its own: the agent's enrolment is not read as the proxy's.
  expect((await loadIdentity(dir, 'proxy')).id).toBeUndefined()
})

it('another host gets another key and other derived values', async () => {
  const a = await loadIdentity(mkdtempSync(join(tmpdir(), 'oriel-identity-')), 'agent')
  const b = await loadIdentity(mkdtempSync(join(tmpdir(), 'oriel-identity-')), 'agent')
  expect(a.publicJwk.x).not.toBe(b.publicJwk.x)
  expect(a.derive('vnc:k1')).not.toBe(b.derive('vnc:k1'))
})
