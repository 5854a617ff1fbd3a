// Starts a throwaway Debian PostgreSQL cluster for tests and benchmarks (Node only).
// initdb refuses to run as root, so as root the server runs as the `postgres` user.
import { execFile, execFileSync, execSync } from 'node:child_process'
import { promisify } from 'node:util'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type RunningPostgres = {
  url: (db?: string) => string
  port: number
  stop: () => void
  /**
   * pg_ctl on this cluster, keeping its data: a fast restart, a fast stop, or a start after one (fault
   * tests). Asynchronous, so the caller's own request loops keep running through the outage.
   */
  ctl: (action: 'restart' | 'stop' | 'start') => Promise<void>
}

function pgBin(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(a) - Number(b)) : []
  const bin = versions.length > 0 ? join(root, versions.at(-1)!, 'bin') : ''
  if (!bin || !existsSync(join(bin, 'initdb'))) {
    throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (or set ORIEL_TEST_PG_URL)')
  }
  return bin
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/** initdb + pg_ctl start on a free loopback port, trust auth, durability off (test data only). */
export async function startPostgres(): Promise<RunningPostgres> {
  const bin = pgBin()
  const dir = mkdtempSync(join(tmpdir(), 'oriel-pg-'))
  chmodSync(dir, 0o777)
  const port = await freePort()
  const asRoot = process.getuid?.() === 0
  const run = (cmd: string) =>
    asRoot ? execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', cmd], { stdio: 'pipe' }) : execSync(cmd, { stdio: 'pipe' })
  run(`${bin}/initdb -D ${dir}/data -U postgres --auth=trust -N >/dev/null`)
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`
  run(`${bin}/pg_ctl -D ${dir}/data -l ${dir}/log -w -o "${opts}" start >/dev/null`)
  const ctl = async (action: 'restart' | 'stop' | 'start') => {
    const cmd = `${bin}/pg_ctl -D ${dir}/data -l ${dir}/log -w ${{ restart: `-m fast -o "${opts}"`, stop: '-m fast', start: `-o "${opts}"` }[action]} ${action} >/dev/null`
    await promisify(execFile)(asRoot ? 'su' : 'sh', asRoot ? ['postgres', '-s', '/bin/sh', '-c', cmd] : ['-c', cmd])
  }
  return {
    port,
    ctl,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    stop: () => {
      try {
        run(`${bin}/pg_ctl -D ${dir}/data -m immediate stop >/dev/null`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
