// npm start's TLS and address settings, wrong: the start stops at once with a message naming the setting,
// before any database is opened or any file written.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dataDir = join(mkdtempSync(join(tmpdir(), 'oriel-settings-')), 'data')
afterAll(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }))

async function start(env: Record<string, string>) {
  const child = spawn('npx', ['tsx', 'standalone/src/main.ts'], {
    env: { ...process.env, ORIEL_DATA_DIR: dataDir, DATABASE_URL: '', ORIEL_LOCAL_AGENT: '0', ORIEL_LOCAL_CONN_PROXY: '0', ...env },
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, out }
}

describe('npm start refuses', () => {
  it.each([
    [
      { ORIEL_PUBLIC_URL: 'ftp://files.example.com' },
      'oriel: ORIEL_PUBLIC_URL must be an http or https URL without a query (got "ftp://files.example.com")',
    ],
    [
      { ORIEL_PUBLIC_URL: 'kasm.example.com' },
      'oriel: ORIEL_PUBLIC_URL must be an http or https URL without a query (got "kasm.example.com")',
    ],
    [{ ORIEL_TLS: 'maybe' }, 'oriel: ORIEL_TLS must be 1 or 0 (got "maybe")'],
    [{ ORIEL_TLS_CERT: '/etc/oriel/cert.pem' }, 'oriel: ORIEL_TLS_CERT and ORIEL_TLS_KEY go together'],
    [
      { ORIEL_TLS_CERT: '/nonexistent/cert.pem', ORIEL_TLS_KEY: '/nonexistent/key.pem' },
      'oriel: cannot read the TLS certificate /nonexistent/cert.pem: ENOENT',
    ],
  ])(
    '%o',
    async (env, message) => {
      const { code, out } = await start(env)
      expect(code).toBe(1)
      expect(out).toContain(message)
      expect(existsSync(dataDir)).toBe(false)
    },
    60_000,
  )
})
