// A real guacd for the tests: Debian bullseye's guacd 1.3.0 in an image built locally
// (scripts/build-guacd-image.sh, cached by scripts/ensure-guacd-image.sh), one container per test file.
import { execFileSync, spawnSync } from 'node:child_process'
import { freePort } from './platform'

export const GUACD_IMAGE = 'oriel/guacd-test:bullseye'

/** guacd logs to stderr, which `docker logs` passes through as its own stderr. */
export const guacdLogs = (name: string) => {
  const r = spawnSync('docker', ['logs', name], { encoding: 'utf8' })
  return `${r.stdout}${r.stderr}`
}

/** Starts guacd published on 127.0.0.1 and waits for its own "Listening" line (a published port accepts before guacd does). */
export async function startGuacd() {
  execFileSync('bash', ['scripts/start-dockerd.sh'], { stdio: 'pipe' })
  execFileSync('bash', ['scripts/ensure-guacd-image.sh'], { stdio: 'pipe', timeout: 900_000 })
  const port = await freePort()
  const name = `oriel-guacd-${process.pid}-${port}`
  execFileSync('docker', ['run', '-d', '--rm', '--name', name, '-p', `127.0.0.1:${port}:4822`, GUACD_IMAGE], { stdio: 'pipe' })
  const deadline = Date.now() + 30_000
  while (!guacdLogs(name).includes('Listening on host')) {
    if (Date.now() > deadline) throw new Error(`guacd did not start: ${guacdLogs(name)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { host: '127.0.0.1', port, name, stop: () => void spawnSync('docker', ['rm', '-f', name]) }
}
export type Guacd = Awaited<ReturnType<typeof startGuacd>>
