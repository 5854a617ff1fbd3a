// The agent daemon. Only this file touches the process: configuration, signals, exit codes.
import { hostname } from 'node:os'
import { readFlags } from '#daemon-kit'
import { createAgent, createDockerodePort, FLAGS, jsonLogger, loadConfig } from './index'

/** Under a service manager's usual 10 s stop timeout (deploy/oriel-agent.service: TimeoutStopSec=10). */
const STOP_DEADLINE_MS = 8_000

try {
  const config = loadConfig({ ...process.env, ...readFlags(FLAGS) }, hostname())
  const agent = createAgent({
    config,
    docker: createDockerodePort({ socketPath: config.dockerSocket }),
    log: jsonLogger,
    // Fault injection for tests (ORIEL_CRASH_POINT): dies at once, as with kill -9.
    kill: () => process.kill(process.pid, 'SIGKILL'),
  })
  const { agentId, gatewayPort } = await agent.start()
  jsonLogger.info('agent running', { agent_id: agentId, gateway_port: gatewayPort })
  // Polling and the gateway stop; session containers keep running and are adopted at next start.
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    setTimeout(() => {
      console.error(`oriel-agent: not stopped ${STOP_DEADLINE_MS / 1000} s after ${signal}; exiting`)
      process.exit(1)
    }, STOP_DEADLINE_MS).unref()
    void agent.close({ graceMs: 5_000 }).finally(() => process.exit(0))
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
} catch (err) {
  console.error(`oriel-agent: ${(err as Error).message}`)
  process.exit(1)
}
