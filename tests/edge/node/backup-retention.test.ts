// The daily backup (deploy/oriel-backup.sh, run by deploy/oriel-backup.timer): a dated file, 0600 in a 0700
// folder, and retention that deletes only the script's own files older than ORIEL_BACKUP_KEEP_DAYS, and only
// after a backup succeeded.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scanBackup } from '../../../edge/src/node/backup/format'
import type { Secrets } from '../../../edge/src/node/backup/secrets'
import { ROOT } from '../../support/backup-fixture'
import { fillPgliteDataDir } from './pglite-data-dir'

const work = mkdtempSync(join(tmpdir(), 'oriel-backup-retention-'))
const dataDir = join(work, 'data')
let keys: Secrets
afterAll(() => rmSync(work, { recursive: true, force: true }))
beforeAll(async () => void ({ keys } = await fillPgliteDataDir(dataDir)), 120_000)

describe('the daily backup script', () => {
  it('deploy/oriel-backup.sh writes a dated backup and deletes only its own files older than the retention', async () => {
    const dir = join(work, 'backups')
    mkdirSync(dir)
    const days = (n: number) => (Date.now() - n * 86_400_000) / 1000
    const files = { old: 'oriel-20200101T000000Z.backup', recent: 'oriel-20991231T000000Z.backup', foreign: 'notes.txt' }
    for (const [age, name] of [
      [40, files.old],
      [29, files.recent],
      [40, files.foreign],
    ] as const) {
      writeFileSync(join(dir, name), 'x')
      utimesSync(join(dir, name), days(age), days(age))
    }
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number; out: string }>((done) => {
        const child = spawn('sh', [join(ROOT, 'deploy/oriel-backup.sh')], {
          env: { ...process.env, DATABASE_URL: '', ORIEL_BACKUP_DIR: dir, ORIEL_BACKUP_KEEP_DAYS: '30', ...env },
        })
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.stderr.on('data', (d) => (out += d))
        child.on('close', (code) => done({ code: code ?? -1, out }))
      })
    // A backup that fails deletes nothing.
    const failed = await run({ ORIEL_DATA_DIR: join(work, 'empty') })
    expect(failed.code).not.toBe(0)
    expect(readdirSync(dir).sort()).toEqual([files.old, files.recent, files.foreign].sort())
    const ok = await run({ ORIEL_DATA_DIR: dataDir })
    expect(ok.code, ok.out).toBe(0)
    const left = readdirSync(dir)
    expect(left).toContain(files.recent)
    expect(left).toContain(files.foreign)
    expect(left).not.toContain(files.old)
    const made = left.filter((f) => /^oriel-\d{8}T\d{6}Z\.backup$/.test(f) && f !== files.recent)
    expect(made).toHaveLength(1)
    expect(statSync(join(dir, made[0]!)).mode & 0o777).toBe(0o600)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect((await scanBackup(join(dir, made[0]!))).header.secrets.SECRETS_KEY).toBe(keys.SECRETS_KEY)
  }, 120_000)
})
