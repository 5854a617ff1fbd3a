import { StringDecoder } from 'node:string_decoder'
import type { Logger } from '#daemon-kit'
import { GuacdClient, liteLogger } from './guacamole-lite'
import type { LiteConnectionSettings } from './lite-types'

/** What the adapter tells its session: guacd is ready, an instruction other than the handshake's, the end. */
export type GuacdHooks = {
  onReady: () => void
  onInstruction: (opcode: string, args: string[]) => void
  onClose: (error?: Error) => void
}

/** How long a `disconnect` may take to reach guacd before the socket is dropped anyway. */
const DISCONNECT_FLUSH_MS = 1_000
const DISCONNECT = '10.disconnect;'

/**
 * guacamole-lite's GuacdClient as our adapter. Kept: its connection, its handshake (`select`, then on
 * `args` the `size`/`audio`/`video`/`image`/`timezone` and `connect` filled by name from the settings)
 * and its 10 s guacd-inactivity timer. Replaced: its per-chunk `data.toString()`, which splits a UTF-8
 * character cut across TCP chunks (D6), by one StringDecoder; `ready`, which it forwards with guacd's
 * connection id, enough to `join` the session (guacamole.md §1.4), now only tells the session; every
 * other instruction goes to the session's DLP filter instead of straight to the browser.
 */
export class GuacdConnection extends GuacdClient {
  private readonly decoder = new StringDecoder('utf8')
  private readonly hooks: GuacdHooks

  constructor(guacd: { host: string; port: number }, selector: string, settings: LiteConnectionSettings, log: Logger, hooks: GuacdHooks) {
    super(guacd, selector, settings, liteLogger(log.warn))
    this.hooks = hooks
    // GuacdClient emits 'error' and then closes itself: without a listener, EventEmitter would throw it out of the worker.
    this.on('error', () => {})
    this.on('close', (error?: Error) => hooks.onClose(error))
    this.guacdConnection.removeAllListeners('data')
    this.guacdConnection.on('data', (chunk: Buffer) => {
      try {
        this.processReceivedData(this.decoder.write(chunk))
      } catch (err) {
        // A parser error (guacd sent garbage) or a throw in the session: this connection ends, not the worker.
        this.close(err as Error)
      }
    })
  }

  override processInstruction(opcode: string, params: string[]): void {
    if (opcode === 'args') return super.processInstruction(opcode, params)
    if (opcode === 'ready') {
      // guacd's id stays here (it is not even kept): guacd checks nothing on `join`.
      if (this.state !== this.STATE_OPEN) {
        this.state = this.STATE_OPEN
        if (this.sendBuffer) this.send(this.sendBuffer)
        this.sendBuffer = ''
      }
      return this.hooks.onReady()
    }
    this.hooks.onInstruction(opcode, params)
  }

  /** Browser data for guacd, held until guacd's `ready` as guacamole-lite does. */
  sendToGuacd(instruction: string): void {
    this.send(instruction, true)
  }

  /**
   * Ends the guacd session at once: guacd drops the target login as soon as it reads `disconnect`,
   * but keeps it about 14 s after a bare socket close (guacd-ci.md G7).
   */
  disconnect(): void {
    if (this.state === this.STATE_CLOSED) return
    const socket = this.guacdConnection
    if (socket.pending || !socket.writable) return this.close()
    socket.end(DISCONNECT, () => this.close())
    setTimeout(() => this.close(), DISCONNECT_FLUSH_MS).unref()
  }
}
