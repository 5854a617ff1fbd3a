// Upgrades (seed 002 §3.4): data written by earlier releases' own code (tests/fixtures/upgrade/<release>, made by
// scripts/make-upgrade-fixture.ts) runs under this release: a PGlite data folder, and a Postgres dump with the
// keys its data folder held. The program `npm start` execs migrates what is older, saying so in one line, and
// every entity reads back; the server's password, encrypted by the old release, still logs in to a real sshd
// through a real connection proxy and guacd.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { MIGRATIONS } from '../../schema/migrations/index'
import { startConnProxyProcess } from '../support/conn-proxy-process'
import { GuacTestClient } from '../support/guac-client'
import { startGuacd, type Guacd } from '../support/guacd'
import { freePort, type Edge } from '../support/platform'
import { startStandalone } from '../support/standalone'
import { startSshd, type SshTarget } from '../support/targets'
import { sql } from '../support/wrangler-dev'
import { ADMIN, apiAt, SERVER_PASSWORD, USER, verify, type Manifest } from '../upgrade/data'

const FIXTURES = join(import.meta.dirname, '../fixtures/upgrade')
const releases = readdirSync(FIXTURES).sort()
const work = mkdtempSync(join(tmpdir(), 'oriel-upgrade-'))
let guacd: Guacd
let ssh: SshTarget

beforeAll(async () => {
  ;[guacd, ssh] = await Promise.all([startGuacd(), startSshd([{ name: 'orielup', password: SERVER_PASSWORD }])])
}, 300_000)
afterAll(async () => {
  await ssh?.stop()
  guacd?.stop()
  rmSync(work, { recursive: true, force: true })
})

/** This release's program, as `npm start` execs it, on `dataDir` (and Postgres when given). */
const startRelease = async (dataDir: string, databaseUrl = '') =>
  startStandalone(dataDir, {
    PORT: String(await freePort()),
    DATABASE_URL: databaseUrl,
    ORIEL_LOCAL_AGENT: '0',
    ORIEL_LOCAL_CONN_PROXY: '0',
  })

/** The old release's server password, decrypted by this release for a real proxy: sshd accepts it. */
async function serverLogsIn(url: string, m: Manifest) {
  const api = apiAt(url)
  const admin = (await api('login', ADMIN)).body.token as string
  const edge = { url, api, adminToken: admin } as unknown as Edge
  // The fixture's server pointed at a documentation address: aim it at this test's sshd, the password untouched.
  const moved = await api('update_server', { target_server: { server_id: m.serverId, ip_hostname: ssh.host, port: ssh.port } }, admin)
  expect(moved.status, JSON.stringify(moved.body)).toBe(200)
  const proxy = await startConnProxyProcess(edge, { guacdPort: guacd.port, name: `upgrade-proxy-${m.release.slice(0, 7)}` })
  try {
    const token = (await api('login', { username: USER.username, password: USER.password })).body.token as string
    const accepted = ssh.log().split('Accepted password for orielup').length
    const launched = await api('request_kasm', { image_id: m.serverImageId }, token)
    expect(launched.status, JSON.stringify(launched.body)).toBe(200)
    const stream = (await api('get_kasm_status', { kasm_id: launched.body.kasm_id }, token)).body.kasm.stream as {
      url: string
      token: string
    }
    const client = await GuacTestClient.connect(`${stream.url}?token=${encodeURIComponent(stream.token)}`)
    await client.waitForOpcode('sync', 30_000)
    await expect.poll(() => ssh.log().split('Accepted password for orielup').length, { timeout: 15_000 }).toBeGreaterThan(accepted)
    await client.disconnect()
    await api('destroy_kasm', { kasm_id: launched.body.kasm_id }, token)
  } finally {
    await proxy.stop()
  }
}

const unpack = (archive: string, into: string) =>
  execFileSync('bash', ['-c', `mkdir -p '${into}' && zstd -dc '${archive}' | tar -x -C '${into}'`])

describe.each(releases)('data written by release %s', (release) => {
  const dir = join(FIXTURES, release)
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    migrations: string[]
    pglite: Manifest
    postgres: Manifest
  }
  const newer = MIGRATIONS.map((m) => m.tag).filter((t) => !manifest.migrations.includes(t))
  const migratedLine = (kind: string) => `Migrated the ${kind} database from an earlier release: applied ${newer.join(', ')}`

  it('PGlite: the data folder migrates (saying so when its schema was older) and every entity reads back', async () => {
    const dataDir = join(work, `${release}-pglite`)
    unpack(join(dir, 'pglite-data.tar.zst'), dataDir)
    const app = await startRelease(dataDir)
    try {
      if (newer.length > 0) expect(app.output()).toContain(migratedLine('pglite'))
      else expect(app.output()).not.toContain('Migrated the')
      expect(await verify(app.url, manifest.pglite)).toEqual([])
      await serverLogsIn(app.url, manifest.pglite)
    } finally {
      await app.stop()
    }
    // A second start has nothing left to migrate.
    const again = await startRelease(dataDir)
    expect(again.output()).not.toContain('Migrated the')
    await again.stop()
  }, 240_000)

  it('Postgres: the dump, restored, migrates and every entity reads back with the keys of its data folder', async () => {
    const base = inject('pgBaseUrl')
    const database = `upgrade_${release}_${process.pid}`.toLowerCase()
    await sql(base, `create database ${database}`)
    const url = base.replace(/\/[^/]*$/, `/${database}`)
    try {
      execFileSync('bash', ['-c', `zstd -dc '${join(dir, 'postgres.sql.zst')}' | psql -q -v ON_ERROR_STOP=1 '${url}' > /dev/null`])
      const dataDir = join(work, `${release}-postgres`)
      cpSync(join(dir, 'postgres-keys'), dataDir, { recursive: true })
      const app = await startRelease(dataDir, url)
      try {
        if (newer.length > 0) expect(app.output()).toContain(migratedLine('postgres'))
        expect(await verify(app.url, manifest.postgres)).toEqual([])
        await serverLogsIn(app.url, manifest.postgres)
      } finally {
        await app.stop()
      }
    } finally {
      await sql(base, `drop database if exists ${database} with (force)`)
    }
  }, 240_000)
})
