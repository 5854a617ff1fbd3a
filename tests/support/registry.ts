// A real authenticated Docker registry on loopback (Debian's docker-registry with htpasswd), holding
// a copy of the reference image, so the agent's pull-with-credentials is tested for real.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, IMAGE, waitFor } from './platform'

export async function startRegistry(user: string, password: string) {
  const dir = mkdtempSync(join(tmpdir(), 'oriel-registry-'))
  const port = await freePort()
  const address = `127.0.0.1:${port}`
  execFileSync('htpasswd', ['-Bbc', join(dir, 'htpasswd'), user, password], { stdio: 'pipe' })
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} } }`,
      `http: { addr: "${address}" }`,
      `auth: { htpasswd: { realm: oriel-test, path: ${join(dir, 'htpasswd')} } }`,
    ].join('\n'),
  )
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' })
  await waitFor(async () => (await fetch(`http://${address}/v2/`).catch(() => null))?.status === 401, 15_000, 'the registry')
  // The CLI's login lives in a throwaway config folder, so nothing leaks into root's ~/.docker.
  const env = { ...process.env, DOCKER_CONFIG: join(dir, 'docker-config') }
  const docker = (...args: string[]) =>
    execFileSync('docker', args, { env, stdio: 'pipe', input: args[0] === 'login' ? password : undefined })
  const ref = `${address}/oriel/desktop:1.0`
  docker('login', address, '-u', user, '--password-stdin')
  docker('tag', IMAGE, ref)
  docker('push', ref)
  docker('rmi', ref)
  return {
    address,
    ref,
    /** Removes the local copy the agent pulled, so each pull is a real one. */
    forget: () => void execFileSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' }),
    /** Freezes the registry (SIGSTOP): connections are accepted by the kernel and never answered. */
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop: () => {
      child.kill('SIGCONT')
      child.kill('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
