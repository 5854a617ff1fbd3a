// The program `npm start` execs (standalone/src/main.ts), in its own process group, as an operator runs it;
// `npm run build:dashboard` is left out (the tests build the dashboard once).
import { execFileSync, spawn } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from './platform'

const ROOT = join(import.meta.dirname, '../..')

export type Standalone = { url: string; output: () => string; stop: () => Promise<unknown> }

/** Starts it on `dataDir` with `env` on top of this process's; resolves with the URL it prints once it serves. */
export async function startStandalone(dataDir: string, env: Record<string, string>): Promise<Standalone> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'standalone/src/main.ts'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, DATABASE_URL: '', ORIEL_DATA_DIR: dataDir, ...env },
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const deadline = Date.now() + 120_000
  let url: string | undefined
  while (!(url = out.match(/Oriel is running at (\S+?)\/? \(/)?.[1])) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const err = new Error(`oriel did not start:\n${out}`) as Error & { output: string }
      err.output = out
      throw err
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const exited = new Promise((r) => child.once('exit', r))
  return {
    url,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM')
      return exited
    },
  }
}

/**
 * The TLS single-server platform the dashboard's TLS and reverse-proxy tests run: HTTPS (ORIEL_TLS=1), a local agent
 * on its own session network and ports, no local connection proxy; `env` on top. `remove` ends it and its sessions.
 */
export async function startTlsPlatform(dataDir: string, env: Record<string, string>) {
  const network = `oriel-e2e-tls-${process.pid}-${Math.floor(Math.random() * 1e6)}`
  const settings = {
    PORT: String(await freePort()),
    ORIEL_AGENT_PORT: String(await freePort()),
    ORIEL_TLS: '1',
    ORIEL_LOCAL_CONN_PROXY: '0',
    ORIEL_SESSION_NETWORK: network,
    ...env,
  }
  const app = await startStandalone(dataDir, settings)
  const remove = async (running: Standalone) => {
    await running.stop()
    execFileSync('bash', [
      '-c',
      `docker ps -aq --filter network=${network} | xargs -r docker rm -f >/dev/null; docker network rm ${network} >/dev/null 2>&1 || true`,
    ])
  }
  return { app, settings, remove }
}
