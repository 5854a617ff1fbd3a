// Writes the upgrade fixtures of a release (seed 002 §3.4): its own code, checked out at <commit>, runs
// `npm start` twice, once on PGlite and once on a Postgres database, and tests/upgrade/data.ts's populate()
// fills each through the API. Kept: the PGlite data folder, a pg_dump of the Postgres database with the
// data folder's generated keys, and manifest.json. Usage:
//   npx tsx scripts/make-upgrade-fixture.ts <commit> tests/fixtures/upgrade/<name>
// (as root: a throwaway Postgres cluster is started for the dump, as the tests start theirs)
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startPostgres } from '../tests/support/postgres'
import { ADMIN, populate } from '../tests/upgrade/data'

const [commit, outArg] = process.argv.slice(2)
if (!commit || !outArg) throw new Error('usage: make-upgrade-fixture.ts <commit> <out dir>')
const out = resolve(outArg)
const root = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'oriel-release-'))
const tree = join(work, 'tree')
const sh = (cmd: string, args: string[], cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString()

/** The release's `npm start` until it serves; `stop` sends SIGTERM and waits for the exit. */
async function startRelease(env: Record<string, string>) {
  const child = spawn('npm', ['start'], {
    cwd: tree,
    detached: true,
    env: { ...process.env, ...env, ORIEL_ADMIN_PASSWORD: ADMIN.password, ORIEL_LOCAL_AGENT: '0', ORIEL_LOCAL_CONN_PROXY: '0' },
  })
  let log = ''
  child.stdout.on('data', (d) => (log += d))
  child.stderr.on('data', (d) => (log += d))
  const deadline = Date.now() + 120_000
  while (!log.includes('Oriel is running at')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the release did not start:\n${log}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  const exited = new Promise((r) => child.once('exit', r))
  return { stop: async () => (process.kill(-child.pid!, 'SIGTERM'), await exited) }
}

try {
  sh('git', ['worktree', 'add', '--detach', tree, commit])
  // The release's dependencies are this tree's (same lockfile lineage); a release that needs others fails to start.
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'))
  const release = sh('git', ['rev-parse', 'HEAD'], tree).trim()
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })

  const pgliteDir = join(work, 'pglite-data')
  let app = await startRelease({ ORIEL_DATA_DIR: pgliteDir, PORT: '18787', DATABASE_URL: '' })
  const manifest = await populate('http://127.0.0.1:18787', release)
  await app.stop()
  sh('bash', ['-c', `tar -C '${pgliteDir}' -cf - . | zstd -q -19 -o '${join(out, 'pglite-data.tar.zst')}'`])

  const postgres = await startPostgres()
  const database = `oriel_fixture_${process.pid}`
  const dbUrl = postgres.url(database)
  sh('psql', [postgres.url(), '-qc', `create database ${database}`])
  const pgDir = join(work, 'pg-data')
  app = await startRelease({ ORIEL_DATA_DIR: pgDir, PORT: '18788', DATABASE_URL: dbUrl })
  const pgManifest = await populate('http://127.0.0.1:18788', release)
  await app.stop()
  sh('bash', ['-c', `pg_dump --no-owner --no-privileges '${dbUrl}' | zstd -q -19 -o '${join(out, 'postgres.sql.zst')}'`])
  postgres.stop()
  // The keys the release generated into its data folder: the dump's encrypted secrets need them.
  mkdirSync(join(out, 'postgres-keys'))
  for (const f of readdirSync(pgDir).filter((f) => /^(session-secret|edge-signing-key|secrets-key)$/.test(f)))
    cpSync(join(pgDir, f), join(out, 'postgres-keys', f))
  // The release's schema: what the new release has beyond it is what an upgrade applies.
  const migrations = readdirSync(join(tree, 'schema/migrations'))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.replace(/\.sql$/, ''))
    .sort()
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({ release, migrations, pglite: manifest, postgres: pgManifest }, null, 2)}\n`)
  console.log(`upgrade fixture of ${release} written to ${out}`)
} finally {
  try {
    sh('git', ['worktree', 'remove', '--force', tree])
  } catch {}
  rmSync(work, { recursive: true, force: true })
}
