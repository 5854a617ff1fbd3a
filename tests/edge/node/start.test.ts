// The README's first command, for real: `npm start` on a fresh data folder serves the healthcheck,
// prints the built-in passwords once, and the printed admin password signs in.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const dataDir = mkdtempSync(join(tmpdir(), 'oriel-start-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function start(port: number): Promise<{ output: () => string; stop: () => Promise<void> }> {
  const child = spawn('npm', ['start'], {
    env: { ...process.env, ORIEL_DATA_DIR: dataDir, PORT: String(port), DATABASE_URL: '', ORIEL_LOCAL_AGENT: '0' },
    detached: true,
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up: ${out}`)), 60_000)
    child.stdout.on('data', () => {
      if (out.includes('Oriel is running at')) {
        clearTimeout(timer)
        resolve({
          output: () => out,
          stop: () =>
            new Promise((r) => {
              child.once('exit', () => r())
              process.kill(-child.pid!, 'SIGTERM')
            }),
        })
      }
    })
  })
}

describe('npm start', () => {
  it('serves the healthcheck, prints the passwords once, and the admin password signs in', async () => {
    const port = 18_000 + Math.floor(Math.random() * 2000)
    const first = await start(port)
    const password = first.output().match(/admin@kasm\.local password: (\S+)/)?.[1]
    expect(first.output()).toMatch(/user@kasm\.local password: \S+/)
    expect(password).toBeTruthy()
    const health = await fetch(`http://127.0.0.1:${port}/api/__healthcheck`)
    expect(health.status).toBe(200)
    const login = await fetch(`http://127.0.0.1:${port}/api/public/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin@kasm.local', password }),
    })
    expect(login.status).toBe(200)
    await first.stop()
    const second = await start(port)
    expect(second.output()).not.toMatch(/password:/)
    await second.stop()
  }, 120_000)
})
