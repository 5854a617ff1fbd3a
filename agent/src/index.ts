// The agent's public entry: the daemon's parts, for its own main.ts and the single-machine composition.
export { createAgent, type AgentOptions } from './agent'
export { FLAGS, flagsToEnv, loadConfig, parseCrashPoint, type Config } from './config'
export { createDockerodePort } from './docker/docker-port'
export { isolateSessionBridge } from './docker/isolation'
export { jsonLogger } from './log'
