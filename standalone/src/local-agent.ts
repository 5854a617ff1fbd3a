import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import type { Db } from '#schema'
import { createAgent, createDockerodePort, parseCrashPoint } from '../../agent/src/index'
import { localAgentToken, offerReferenceDesktop, REFERENCE_IMAGE, setLocalPublicUrl, type Logger } from '../../edge/src/node/index'

const SOCKET = '/var/run/docker.sock'

/**
 * The single-machine platform (`npm start`, docs/architecture.md#parts): when a Docker engine answers here, an agent
 * runs in this process, enrolled with a short-lived token made directly in the database, and the
 * reference desktop is built (in the background, when missing) and offered to All Users.
 */
export async function startLocalAgent(o: {
  db: Db
  edgeUrl: string
  publicUrl: string
  dataDir: string
  gatewayPort: number
  log: Logger
}) {
  if (process.env.ORIEL_LOCAL_AGENT === '0' || !existsSync(SOCKET)) return null
  const docker = createDockerodePort({ socketPath: SOCKET })
  try {
    await docker.info()
  } catch {
    o.log.info('no Docker engine answers; starting without a local agent')
    return null
  }
  const agentDir = join(o.dataDir, 'agent')
  const token = existsSync(join(agentDir, 'identity.json')) ? undefined : await localAgentToken(o.db)
  await offerReferenceDesktop(o.db)
  const build = buildReferenceImage(o.log)
  const agent = createAgent({
    config: {
      edgeUrl: o.edgeUrl,
      token,
      dataDir: agentDir,
      name: hostname(),
      publicUrl: o.publicUrl,
      listenHost: '127.0.0.1',
      listenPort: o.gatewayPort,
      dockerSocket: SOCKET,
      labels: [],
      // Overridable so that several platforms on one engine (parallel tests) do not share, and tear down, one network.
      sessionNetwork: process.env.ORIEL_SESSION_NETWORK || 'oriel-sessions',
      crashPoint: parseCrashPoint(process.env.ORIEL_CRASH_POINT),
    },
    docker,
    log: o.log,
    // Fault injection for tests (ORIEL_CRASH_POINT): the whole platform dies at once, as with kill -9.
    kill: () => process.kill(process.pid, 'SIGKILL'),
  })
  const { agentId } = await agent.start()
  await setLocalPublicUrl(o.db, 'agent', agentId, o.publicUrl)
  return {
    ...agent,
    /** The agent stops; a build still running is ended with it (the platform's stop must leave no process). */
    close: async (c?: { graceMs?: number }) => {
      build.stop()
      await agent.close(c)
    },
  }
}

/** Runs the build script in its own process group, so stopping it ends debootstrap and docker too. */
function buildReferenceImage(log: Logger) {
  const script = resolve(import.meta.dirname, '../../scripts/ensure-workspace-image.sh')
  const child = spawn('bash', [script], { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
  let err = ''
  let stopped = false
  child.stderr.on('data', (d) => (err += d))
  child.on('exit', (code) => {
    if (stopped) return log.info('reference desktop image build stopped')
    if (code === 0) log.info('reference desktop image ready', { image: REFERENCE_IMAGE })
    else log.warn('building the reference desktop image failed', { code, stderr: err.slice(-500) })
  })
  return {
    stop: () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      stopped = true
      try {
        process.kill(-child.pid!, 'SIGTERM')
      } catch {}
    },
  }
}
