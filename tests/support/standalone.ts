// The program `npm start` execs (standalone/src/main.ts), in its own process group, as an operator runs it;
// `npm run build:dashboard` is left out (the tests build the dashboard once).
import { spawn } from 'node:child_process'
import { join } from 'node:path'

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
