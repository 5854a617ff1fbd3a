// The agent daemon. Only this file touches the process: configuration, signals, exit codes.
import { hostname } from 'node:os'
import { parseArgs } from 'node:util'
import { createAgent } from './agent'
import { FLAGS, flagsToEnv, loadConfig } from './config'
import { createDockerodePort } from './docker/docker-port'
import { isolateSessionBridge } from './docker/isolation'
import { jsonLogger } from './log'

try {
  const { values } = parseArgs({ options: Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' }])), strict: true })
  const config = loadConfig({ ...process.env, ...flagsToEnv(values) }, hostname())
  const agent = createAgent({ config, docker: createDockerodePort({ socketPath: config.dockerSocket }), log: jsonLogger, isolate: isolateSessionBridge })
  const { agentId, gatewayPort } = await agent.start()
  jsonLogger.info('agent running', { agent_id: agentId, gateway_port: gatewayPort })
  const stop = () => void agent.close({ graceMs: 5_000 }).finally(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
} catch (err) {
  console.error(`oriel-agent: ${(err as Error).message}`)
  process.exit(1)
}
