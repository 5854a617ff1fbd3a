// Types for the parts of guacamole-lite 1.2.0 (untyped CommonJS) that the relay uses: its guacd client
// (lib/GuacdClient.js) and the vendored official Guacamole.Parser (lib/vendor/GuacamoleParser.js).
// Loaded at run time by ./guacamole-lite.ts; nothing else touches the library.
import type { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'

/** guacamole-lite's logger: `log(level, ...args)`, levels 0 (quiet) to 40 (debug, which prints every byte sent to guacd). */
export type LiteLogger = { log: (level: number, ...args: unknown[]) => void }

/**
 * What GuacdClient reads to answer guacd's `args`: each guacd parameter by name, plus the handshake's
 * `size` (width, height, dpi) and its `audio`, `video`, `image` mimetypes and `timezone`.
 */
export type LiteConnectionSettings = Record<string, unknown> & {
  width: number
  height: number
  dpi: number
  audio: string[]
  video: string[]
  image: string[]
  timezone?: string
}

export declare class GuacdClientBase extends EventEmitter {
  constructor(guacd: { host: string; port: number }, selector: string, settings: LiteConnectionSettings, logger: LiteLogger)
  readonly STATE_OPENING: 0
  readonly STATE_OPEN: 1
  readonly STATE_CLOSED: 2
  state: 0 | 1 | 2
  guacdConnection: Socket
  parser: GuacamoleParser
  lastActivity: number
  sendBuffer: string
  /** Writes to guacd; with `afterOpened`, holds the data until guacd's `ready`. */
  send(data: string, afterOpened?: boolean): void
  sendInstruction(elements: unknown[]): void
  processInstruction(opcode: string, params: string[]): void
  close(error?: Error): void
}
export type GuacdClientClass = typeof GuacdClientBase

export declare class GuacamoleParser {
  /** Feeds decoded text; calls `oninstruction` per complete instruction; throws on a bad terminator. */
  receive(packet: string, isBuffer?: boolean): void
  oninstruction: ((opcode: string, params: string[]) => void) | null
}
export type GuacamoleParserClass = typeof GuacamoleParser & {
  /** Unicode code points (surrogate pairs count once), the unit of the protocol's element lengths. */
  codePointCount(str: string, start?: number, end?: number): number
  /** Serialises elements as `LEN.VALUE,…;` with code-point lengths. */
  toInstruction(elements: unknown[]): string
}
