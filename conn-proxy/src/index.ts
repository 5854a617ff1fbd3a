// The connection proxy's public entry: its parts, for its own main.ts and the single-machine composition.
import { createJsonLogger } from '#daemon-kit'

export { FLAGS, loadConfig, type Config } from './config'
export { probeGuacd, watchGuacd, type GuacdAddress, type GuacdHealth } from './guacd'
export { createConnProxy, type ConnProxyOptions } from './proxy'
export { createProxyServer, type ProxyServerOptions } from './server'
/** The proxy's log lines: JSON, tagged `component: conn-proxy`. */
export const jsonLogger = createJsonLogger('conn-proxy')
