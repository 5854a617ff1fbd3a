// The multi-host walk-through's tools (README: From one machine to three): the deploy/ compose files run by
// Debian's docker-compose against a simulated host's own dockerd (netns-host.ts), the image carried to it
// as an operator would (`docker save | docker load`), and a TCP probe from inside a host's network.
import { execFileSync, spawnSync } from 'node:child_process'
import type { NetnsHost } from './netns-host'

const COMPOSE_TIMEOUT_MS = 180_000

export type ComposeProject = {
  up: (env: Record<string, string>) => string
  /** `down` keeps the named volumes (the daemon's identity), as an operator's restart does; `-v` drops them. */
  down: (...flags: string[]) => string
  logs: () => string
  /** The IP of a service's container on the project's network (empty for network_mode: host). */
  ip: (service: string) => string
  /** The command lines of the processes in a service's container. */
  commands: (service: string) => string[]
}

/** deploy/<dir>/compose.yaml as project `name` on `host`'s engine. */
export function composeOn(host: NetnsHost, dir: 'agent' | 'conn-proxy', name: string): ComposeProject {
  let env: Record<string, string> = {}
  const run = (...args: string[]) => {
    const r = spawnSync('docker-compose', ['--ansi', 'never', '-p', name, '-f', `deploy/${dir}/compose.yaml`, ...args], {
      env: { ...process.env, DOCKER_HOST: `unix://${host.socketPath}`, ...env },
      encoding: 'utf8',
      timeout: COMPOSE_TIMEOUT_MS,
    })
    if (r.status !== 0) throw new Error(`docker-compose ${args.join(' ')} on ${host.name}: ${r.status}\n${r.stdout}${r.stderr}`)
    return r.stdout
  }
  const docker = (...args: string[]) => execFileSync('docker', ['-H', `unix://${host.socketPath}`, ...args], { encoding: 'utf8' }).trim()
  return {
    up: (e) => ((env = e), run('up', '-d')),
    down: (...flags) => run('down', ...flags),
    logs: () => run('logs', '--no-color', '--tail', '200'),
    ip: (service) =>
      docker('inspect', run('ps', '-q', service).trim(), '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}'),
    commands: (service) =>
      docker('top', run('ps', '-q', service).trim(), '-eo', 'pid,args')
        .split('\n')
        .slice(1)
        .map((line) => line.trim().replace(/^\d+\s+/, '')),
  }
}

/** Carries an image from this machine's engine to the host's: `docker save | docker -H … load`. */
export function carryImage(host: NetnsHost, tag: string) {
  execFileSync('bash', ['-c', `docker save '${tag}' | docker -H 'unix://${host.socketPath}' load -q`], {
    stdio: 'pipe',
    timeout: 300_000,
  })
}

/** Whether a TCP connection to ip:port opens from inside the host's network namespace. */
export function connectsFrom(host: NetnsHost, ip: string, port: number): boolean {
  const r = spawnSync('nsenter', [`--net=/run/netns/${host.netns}`, 'bash', '-c', `exec 3<>/dev/tcp/${ip}/${port}`], { timeout: 10_000 })
  return r.status === 0
}
