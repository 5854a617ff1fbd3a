// The connection proxy's public entry: its parts, for its own main.ts and the single-machine composition.
import { createJsonLogger } from '#daemon-kit'

export { FLAGS, loadConfig, type Config } from './config'
export { probeGuacd, watchGuacd, type GuacdAddress, type GuacdHealth } from './guacd'
export { createConnProxy, type ConnProxyOptions } from './proxy'
export { createPrimaryMetrics, registerWorkerMetrics } from './metrics'
export { createProxyServer, type ProxyServerOptions } from './server'
export { createRelay, type Relay, type RelayOptions } from './relay/relay'
export { CONNECT_PATH } from './relay/admission'
export { createDlpFilter, STATUS_FORBIDDEN, type DlpFilter, type DlpPolicy, type Verdict } from './relay/dlp-filter'
export { createEdgeRedeem } from './relay/redeem'
/** The proxy's log lines: JSON, tagged `component: conn-proxy`. */
export const jsonLogger = createJsonLogger('conn-proxy')
