// The Worker under `wrangler dev --local` (workerd), reaching the test Postgres through the Neon driver and
// the ws→TCP proxy; with `bundle`, the Worker exactly as `wrangler deploy` would upload it: the dry run's
// bundle served unbundled by a copy of wrangler.toml that points at it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TEMPLATE_DB } from './constants'
import { freePort, waitFor } from './platform'

const pg = createRequire(import.meta.url)('pg') as typeof import('pg')
const ROOT = join(import.meta.dirname, '../..')
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler')
/** wrangler bundles the Worker with esbuild and starts workerd; a few seconds here, more on a busy box. */
export const WRANGLER_START_TIMEOUT_MS = 120_000
const QUIET = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true', CI: '1' }

export async function sql(baseUrl: string, text: string) {
  const client = new pg.Client({ connectionString: baseUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

/** A new database cloned from the migrated, bootstrapped template (the admin's password is the template's); its URL. */
export async function cloneTemplate(baseUrl: string, prefix: string) {
  const database = `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`
  await sql(baseUrl, `create database ${database} template ${TEMPLATE_DB}`)
  return { url: baseUrl.replace(/\/[^/]*$/, `/${database}`), drop: () => sql(baseUrl, `drop database if exists ${database} with (force)`) }
}

/** `wrangler deploy --dry-run`: the bundle it would upload, in `outDir`, and a config that serves it as is. */
export function buildDeployBundle(dir: string) {
  const outDir = join(dir, 'bundle')
  execFileSync(WRANGLER, ['deploy', '--dry-run', '--outdir', outDir], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, ...QUIET, XDG_CONFIG_HOME: join(dir, 'config') },
  })
  const config = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = ${JSON.stringify(join(outDir, 'index.js'))}\nno_bundle = true`)
    .replace(/^directory = .*$/m, `directory = ${JSON.stringify(join(ROOT, 'dist/dashboard'))}`)
  if (!config.includes('no_bundle')) throw new Error('wrangler.toml has no main = line to point at the bundle')
  const configPath = join(dir, 'wrangler.toml')
  writeFileSync(configPath, config)
  return configPath
}

export type WranglerDev = { url: string; log: () => string; stop: () => Promise<void> }

/** Starts `wrangler dev --local` with exactly `vars` as the Worker's secrets; resolves once `/` answers. */
export async function startWranglerDev(o: { vars: Record<string, string>; configPath?: string }): Promise<WranglerDev> {
  const dir = mkdtempSync(join(tmpdir(), 'oriel-wrangler-'))
  // Single quotes: dotenv takes the value literally (the signing key is JSON).
  writeFileSync(
    join(dir, 'worker.env'),
    Object.entries(o.vars)
      .map(([k, v]) => `${k}='${v}'`)
      .join('\n'),
  )
  const [port, inspector] = [await freePort(), await freePort()]
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)]
  args.push('--env-file', join(dir, 'worker.env'), '--persist-to', join(dir, 'state'), '--show-interactive-dev-session=false')
  if (o.configPath) args.push('--config', o.configPath)
  const child: ChildProcess = spawn(WRANGLER, args, {
    cwd: ROOT,
    detached: true, // its own process group, so workerd goes with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...QUIET, XDG_CONFIG_HOME: join(dir, 'config'), WRANGLER_LOG_PATH: join(dir, 'logs') },
  })
  let log = ''
  for (const s of [child.stdout!, child.stderr!]) s.on('data', (b: Buffer) => void (log += b.toString()))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      process.kill(-child.pid, 'SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log}`)
        return fetch(url).then(
          (r) => r.ok,
          () => false,
        )
      },
      WRANGLER_START_TIMEOUT_MS,
      `wrangler dev to serve ${url}`,
    )
  } catch (err) {
    await stop()
    throw err
  }
  return { url, log: () => log, stop }
}
