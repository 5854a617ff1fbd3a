// The daemons' shared Node library (agent/, and next conn-proxy/): identity, the signed edge client,
// backoff and wakeable sleep, edge-token verification, the logger. Its public entry is this file.
export { createBackoff, createWakeableSleep, runEdgeLoop } from './backoff'
export { createSignedEdgeClient, EdgeError } from './edge-client'
export { createTokenVerifier, type TokenVerifier } from './edge-tokens'
export { loadIdentity, type DaemonKind, type Identity } from './identity'
export { createJsonLogger, silentLogger, type Logger } from '#schema'
export { daemonSettings, flagsToEnv, parseSettings, portSetting, readFlags, type DaemonBase, type Flags } from './settings'
export { serveMetrics, timeOutcome, type MetricsText } from './metrics'
