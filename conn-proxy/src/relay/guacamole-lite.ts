// The only import of guacamole-lite: its CommonJS classes, typed by ./lite-types.d.ts. The library's
// Server and ClientConnection are not used (conn-proxy/README.md, D1–D7).
import { createRequire } from 'node:module'
import type { GuacamoleParserClass, GuacdClientClass, LiteLogger } from './lite-types'

const require = createRequire(import.meta.url)

export const GuacdClient = require('guacamole-lite/lib/GuacdClient.js') as GuacdClientClass
export const GuacamoleParser = require('guacamole-lite/lib/vendor/GuacamoleParser.js') as GuacamoleParserClass

/** guacamole-lite's level for errors; everything above it (its debug level logs the `connect` line, passwords included) is dropped. */
const LITE_ERRORS = 10

/** A guacamole-lite logger that passes on only its error lines, as text, and never its data dumps. */
export const liteLogger = (warn: (msg: string, fields: Record<string, unknown>) => void): LiteLogger => ({
  log: (level, ...args) => {
    if (level <= LITE_ERRORS) warn('guacd client error', { error: args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ') })
  },
})

/** One instruction as text (code-point lengths). */
export const toInstruction = (elements: readonly unknown[]) => GuacamoleParser.toInstruction([...elements])
