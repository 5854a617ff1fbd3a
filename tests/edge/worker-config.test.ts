// The Worker's secrets checked together (edge/src/config.ts checkWorkerEnv): an operator sees every missing or
// malformed secret in one message, named, and a good set gives the configuration the edge runs with.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkWorkerEnv } from '../../edge/src/config'
import { TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from '../support/constants'

const good = {
  DATABASE_URL: 'postgres://oriel:pw@db.example.com/oriel?sslmode=require',
  SESSION_SECRET: TEST_SESSION_SECRET,
  EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY,
  SECRETS_KEY: TEST_SECRETS_KEY,
}
const problem = (env: Record<string, string | undefined>) => {
  const r = checkWorkerEnv(env)
  return r.ok ? 'ok' : r.error
}

describe('the Worker’s secrets', () => {
  it('gives the configuration when every secret is there and well formed', () => {
    const r = checkWorkerEnv(good)
    expect(r.ok && [r.databaseUrl, r.config.sessionTtlSeconds, r.config.secretKeys.current]).toEqual([good.DATABASE_URL, 28_800, 'test1'])
  })

  it('names each missing secret, an empty one counting as missing', () => {
    expect(problem({ ...good, SECRETS_KEY: undefined })).toBe('Oriel is not configured: SECRETS_KEY is not set')
    expect(problem({ ...good, DATABASE_URL: '' })).toBe('Oriel is not configured: DATABASE_URL is not set')
    expect(problem({})).toBe(
      'Oriel is not configured: DATABASE_URL is not set; SESSION_SECRET is not set; EDGE_SIGNING_KEY is not set; SECRETS_KEY is not set',
    )
  })

  it('says what is wrong with a malformed one', () => {
    expect(problem({ ...good, DATABASE_URL: 'mysql://x/y' })).toBe(
      'Oriel is not configured: DATABASE_URL must be a postgres:// or postgresql:// URL',
    )
    expect(problem({ ...good, SESSION_SECRET: 'c2hvcnQ=' })).toBe(
      'Oriel is not configured: SESSION_SECRET must be at least 32 bytes, base64-encoded',
    )
    expect(problem({ ...good, EDGE_SIGNING_KEY: '{"kty":"RSA"' })).toBe('Oriel is not configured: EDGE_SIGNING_KEY must be a JSON Web Key')
    expect(problem({ ...good, SECRETS_KEY: 'k1:short' })).toBe(
      'Oriel is not configured: SECRETS_KEY must be "<key id>:<base64 of 32 bytes>", comma-separated for rotation',
    )
  })
})

describe('the deploy instructions', () => {
  const root = join(import.meta.dirname, '../..')
  // Every secret the Worker reads (env.example, which `wrangler types` reads too), but the local-only WS_PROXY.
  const names = [...readFileSync(join(root, 'env.example'), 'utf8').matchAll(/^([A-Z_]+)=/gm)]
    .map((m) => m[1]!)
    .filter((n) => n !== 'WS_PROXY')

  it('set every secret the Worker checks, in the README and in the deploy workflow', () => {
    expect(names.sort()).toEqual(['DATABASE_URL', 'EDGE_SIGNING_KEY', 'SECRETS_KEY', 'SESSION_SECRET'])
    expect(problem(Object.fromEntries(names.map((n) => [n, good[n as keyof typeof good]])))).toBe('ok')
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const workflow = readFileSync(join(root, '.github/workflows/deploy.yml'), 'utf8')
    for (const n of names) {
      expect(readme).toContain(`npx wrangler secret put ${n} `)
      expect(workflow).toContain(`npx wrangler secret put ${n}\n`)
      expect(workflow).toContain(`${n}: \${{ secrets.${n} }}`)
    }
  })

  it('test with .ci/run, the one source of truth', () => {
    const workflow = readFileSync(join(root, '.github/workflows/deploy.yml'), 'utf8')
    const testJob = workflow.slice(workflow.indexOf('  test:'), workflow.indexOf('  deploy:'))
    expect(testJob).toContain('- run: bash .ci/run')
    expect(testJob).not.toContain('apt-get')
  })
})
