// The edge's public entry on Node: what the single-machine composition (standalone/) and the Node
// commands use. The Worker's entry is edge/src/index.ts.
export { migrate } from '#schema'
export { systemClock } from '../clock'
export { edgeConfig } from '../config'
export { errorFields, jsonLogger, type Logger } from '../log'
export { generateEdgeKey } from '../services/fleet/edge-key'
export { bootstrap } from '../services/bootstrap'
export { startControlSocket } from './backup/control'
export { localAgentToken, offerReferenceDesktop, REFERENCE_IMAGE } from './local-enrolment'
export { openDatabase } from './open-database'
export { createEdgeServer } from './server'
export { nodeSeal } from './seal'
export { parseTrustedProxies } from './trusted-proxies'
