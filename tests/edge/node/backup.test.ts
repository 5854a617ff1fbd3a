// Backup and restore on PGlite, for real, as an admin types them: `npm run backup` of a stopped Oriel and of
// a running one with requests in flight, a wiped data folder restored row for row with its keys, sessions
// reconciled by the agent's next poll, and refusals that change nothing. Older backups migrated forward are in
// backup-migrate.test.ts, the retention script in backup-retention.test.ts.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPglite } from '../../../edge/src/db/pglite'
import { decryptSecret, parseKeyRing } from '../../../edge/src/services/secrets'
import { currentSecrets, secretPath, type Secrets } from '../../../edge/src/node/backup/secrets'
import { REGISTRY_PASSWORD, ROOT, SERVER_PASSWORD, dumpTables, npmRun, type Filled, type Harness } from '../../support/backup-fixture'
import { fillPgliteDataDir } from './pglite-data-dir'

const work = mkdtempSync(join(tmpdir(), 'oriel-backup-'))
const dataDir = join(work, 'data')
const stoppedFile = join(work, 'stopped.backup')
let h: Harness
let filled: Filled
let before: Record<string, string[]>
let keys: Secrets
afterAll(() => rmSync(work, { recursive: true, force: true }))
beforeAll(async () => void ({ h, filled, before, keys } = await fillPgliteDataDir(dataDir)), 120_000)

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows
async function withDatabase<T>(dir: string, fn: (db: Awaited<ReturnType<typeof openPglite>>['db']) => Promise<T>): Promise<T> {
  const lite = await openPglite(join(dir, 'pglite'))
  try {
    return await fn(lite.db)
  } finally {
    await lite.close()
  }
}
const nothingSecret = (text: string) => {
  for (const value of [...Object.values(keys), SERVER_PASSWORD, REGISTRY_PASSWORD]) expect(text).not.toContain(value)
}

describe('npm run backup / npm run restore on PGlite', () => {
  it('backs up a stopped Oriel; a wiped data folder restored from it has every row, its keys, and passwords that decrypt', async () => {
    const backup = await npmRun('backup', [stoppedFile], { ORIEL_DATA_DIR: dataDir })
    expect(backup.code, backup.err).toBe(0)
    expect(backup.out).toContain(`wrote ${stoppedFile}`)
    expect(backup.out).toMatch(/schema: \S+ \(\d+ migrations\)/)
    expect(backup.out).toMatch(/rows: \d+ in \d+ tables \(.*servers 1.*\)/)
    expect(statSync(stoppedFile).mode & 0o777).toBe(0o600)
    rmSync(dataDir, { recursive: true })

    const restore = await npmRun('restore', [stoppedFile], { ORIEL_DATA_DIR: dataDir })
    expect(restore.code, restore.err).toBe(0)
    for (const text of [backup.out, backup.err, restore.out, restore.err]) nothingSecret(text)
    expect(currentSecrets(dataDir, {})).toEqual(keys)
    for (const name of ['SECRETS_KEY', 'SESSION_SECRET', 'EDGE_SIGNING_KEY'] as const)
      expect(statSync(secretPath(dataDir, name)).mode & 0o777).toBe(0o600)
    await withDatabase(dataDir, async (db) => {
      expect(await dumpTables(db)).toEqual(before)
      const [server] = rowsOf<{ enc: string }>(
        await db.execute(sql`select connection_password_enc as enc from servers where id = ${filled.serverId}`),
      )
      expect(await decryptSecret(parseKeyRing(readFileSync(secretPath(dataDir, 'SECRETS_KEY'), 'utf8')), server!.enc)).toBe(SERVER_PASSWORD)

      // The next start: the agent polls the restored database. Its running session, which it no longer
      // reports, is handed out again (registry password decrypted); a container it runs that the
      // database does not know is to be destroyed.
      h.use(db)
      const stranger = crypto.randomUUID()
      const poll = await filled.agent.poll([{ kasm_id: stranger, state: 'running', container_id: 'left-over' }])
      expect(poll.status).toBe(200)
      expect(poll.body.work.create).toEqual([
        expect.objectContaining({ kasm_id: filled.kasmId, registry_auth: expect.objectContaining({ password: REGISTRY_PASSWORD }) }),
      ])
      expect(poll.body.work.destroy).toEqual([stranger])
      // The restored sign-in still works, and changing the server re-reads its encrypted password.
      const updated = await h.api('update_server', { target_server: { server_id: filled.serverId, port: 3390 } }, filled.admin)
      expect([updated.status, updated.body.server?.connection_password_set]).toEqual([200, true])
    })
  }, 180_000)

  it('backs up through the running Oriel while requests are in flight, consistently, and refuses to restore under it', async () => {
    const file = join(work, 'running.backup')
    const port = 19_000 + Math.floor(Math.random() * 2000)
    const oriel = await startOriel(dataDir, port)
    let made = 0
    let stop = false
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/api/public/create_user`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${filled.admin.token}` },
          body: JSON.stringify({ target_user: { username: `flight-${w}-${i}@example.com` } }),
        })
        if (res.status !== 200) throw new Error(`create_user answered ${res.status}: ${await res.text()}`)
        made++
      }
    }
    let bounds: [number, number]
    try {
      const writers = [1, 2, 3].map(writer)
      while (made < 5) await new Promise((r) => setTimeout(r, 50))
      const atStart = made
      const backup = await npmRun('backup', [file], { ORIEL_DATA_DIR: dataDir })
      bounds = [atStart, made + writers.length]
      const refused = await npmRun('restore', [file, '--replace'], { ORIEL_DATA_DIR: dataDir })
      stop = true
      await Promise.all(writers)
      expect(backup.code, backup.err).toBe(0)
      expect(backup.out).toContain(`from the running Oriel on ${dataDir} (pglite)`)
      nothingSecret(backup.out + backup.err)
      expect([refused.code, refused.err]).toEqual([1, expect.stringContaining(`Oriel is running on ${dataDir}`)])
    } finally {
      stop = true
      await oriel.stop()
    }
    // The backup is one moment of the database: every user made through the API has all its rows, or none.
    const other = join(work, 'other')
    const restored = await npmRun('restore', [file], { ORIEL_DATA_DIR: other })
    expect(restored.code, restored.err).toBe(0)
    await withDatabase(other, async (db) => {
      const count = async (q: string) => Number(rowsOf<{ n: number }>(await db.execute(sql.raw(q)))[0]!.n)
      const users = await count(`select count(*)::int as n from users where username like 'flight-%'`)
      expect(users).toBeGreaterThanOrEqual(bounds[0])
      expect(users).toBeLessThanOrEqual(bounds[1])
      expect(
        await count(`select count(*)::int as n from user_attributes a join users u on u.id = a.user_id where u.username like 'flight-%'`),
      ).toBe(users)
      expect(
        await count(`select count(*)::int as n from user_groups g join users u on u.id = g.user_id where u.username like 'flight-%'`),
      ).toBe(users)
      // Two users were made through the API before (fillOriel).
      expect(await count(`select count(*)::int as n from audit_log where action = 'create_user'`)).toBe(users + 2)
    })
  }, 240_000)

  it('refuses a newer schema, a damaged file, a foreign SECRETS_KEY, an occupied database and bad arguments, changing nothing', async () => {
    const lines = gunzipSync(readFileSync(stoppedFile)).toString('utf8').split('\n')
    const header = JSON.parse(lines[0]!)
    header.migrations.push({ tag: '9999_from_the_future', hash: 'f'.repeat(64) })
    const newer = join(work, 'newer.backup')
    writeFileSync(newer, gzipSync([JSON.stringify(header), ...lines.slice(1)].join('\n')))
    const cut = join(work, 'cut.backup')
    writeFileSync(cut, readFileSync(stoppedFile).subarray(0, 600))
    const text = join(work, 'text.backup')
    writeFileSync(text, 'not a backup\n')
    const secretsBefore = currentSecrets(dataDir, {})
    const dumpBefore = await withDatabase(dataDir, dumpTables)
    const env = { ORIEL_DATA_DIR: dataDir }
    const foreignKey = `k1:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`
    const [future, damaged, notGzip, missing, noFile, foreign, occupied, noArgs, emptyDir] = await Promise.all([
      npmRun('restore', [newer, '--replace'], env),
      npmRun('restore', [cut, '--replace'], env),
      npmRun('restore', [text, '--replace'], env),
      npmRun('restore', [join(work, 'nope.backup'), '--replace'], env),
      npmRun('restore', [], env),
      npmRun('restore', [stoppedFile, '--replace'], { ...env, SECRETS_KEY: foreignKey }),
      npmRun('restore', [stoppedFile], env),
      npmRun('backup', [], env),
      npmRun('backup', [join(work, 'empty.backup')], { ORIEL_DATA_DIR: join(work, 'empty') }),
    ])
    expect(future.code).toBe(1)
    expect(future.err).toMatch(/newer Oriel: its schema has migration 9999_from_the_future, which this build does not know/)
    expect([damaged.code, damaged.err]).toEqual([
      1,
      expect.stringMatching(/cut\.backup is not a readable Oriel backup: .*(damaged|cut short)/),
    ])
    expect([notGzip.code, notGzip.err]).toEqual([1, expect.stringMatching(/text\.backup is not a readable Oriel backup: not gzip data/)])
    expect([missing.code, missing.err]).toEqual([1, expect.stringMatching(/nope\.backup is not a readable Oriel backup: no such file/)])
    expect([noFile.code, noFile.err]).toEqual([2, expect.stringContaining('usage: npm run restore -- <file> [--replace]')])
    expect([foreign.code, foreign.err]).toEqual([
      1,
      expect.stringContaining("SECRETS_KEY in the environment does not hold the backup's key"),
    ])
    expect([occupied.code, occupied.err]).toEqual([
      1,
      expect.stringMatching(/already holds a database \(.*\); to replace it with the backup, run: npm run restore -- .* --replace/),
    ])
    expect([noArgs.code, noArgs.err]).toEqual([2, expect.stringContaining('usage: npm run backup -- <file>')])
    expect([emptyDir.code, emptyDir.err]).toEqual([1, expect.stringContaining('no Oriel database in')])
    for (const r of [future, damaged, notGzip, missing, foreign, occupied]) nothingSecret(r.out + r.err)
    expect(await withDatabase(dataDir, dumpTables)).toEqual(dumpBefore)
    expect(currentSecrets(dataDir, {})).toEqual(secretsBefore)
  }, 180_000)
})

/** `node --import tsx standalone/src/main.ts` (what `npm start` runs) on the data folder, until stopped. */
function startOriel(dir: string, port: number): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'standalone/src/main.ts'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, ORIEL_DATA_DIR: dir, PORT: String(port), DATABASE_URL: '', ORIEL_LOCAL_AGENT: '0' },
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Oriel did not come up: ${out}`)), 90_000)
    child.once('exit', () => reject(new Error(`Oriel exited: ${out}`)))
    child.stdout.on('data', () => {
      if (!out.includes('Oriel is running at')) return
      clearTimeout(timer)
      resolve({
        stop: async () => {
          if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM')
          await exited
        },
      })
    })
  })
}
