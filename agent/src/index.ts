// The agent's public entry: the daemon's parts, for its own main.ts and the single-machine composition.
import { createJsonLogger } from '#daemon-kit'

export { createAgent, type AgentOptions } from './agent'
export { FLAGS, flagsToEnv, loadConfig, parseCrashPoint, type Config } from './config'
export { createDockerodePort } from './docker/docker-port'
/** The agent's log lines: JSON, tagged `component: agent`. */
export const jsonLogger = createJsonLogger('agent')
