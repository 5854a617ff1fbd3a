import type { Logger } from '#daemon-kit'
import { GuacdClient, liteLogger } from './guacamole-lite'
import { createGuacdScanner, type GuacdInstruction } from './guacd-scanner'
import type { LiteConnectionSettings } from './lite-types'

/** What the adapter tells its session: guacd is ready, the instructions of one read other than the handshake's, the end. */
export type GuacdHooks = {
  onReady: () => void
  onInstructions: (list: GuacdInstruction[]) => void
  onClose: (error?: Error) => void
}

/** How long a `disconnect` may take to reach guacd before the socket is dropped anyway. */
const DISCONNECT_FLUSH_MS = 1_000
const DISCONNECT = '10.disconnect;'

/**
 * guacamole-lite's GuacdClient as our adapter. Kept: its connection, its handshake (`select`, then on
 * `args` the `size`/`audio`/`video`/`image`/`timezone` and `connect` filled by name from the settings)
 * and its 10 s guacd-inactivity timer. Replaced: its per-chunk `data.toString()`, which splits a UTF-8
 * character cut across TCP chunks (D6), and its string parser, by a byte scanner (./guacd-scanner.ts,
 * D8) that never decodes image data; `ready`, which it forwards with guacd's connection id, enough to
 * `join` the session (guacamole.md §1.4), now only tells the session; every other instruction goes to
 * the session's DLP filter, a read's worth at a time, instead of straight to the browser.
 */
export class GuacdConnection extends GuacdClient {
  private readonly scanner = createGuacdScanner()
  private readonly hooks: GuacdHooks

  constructor(guacd: { host: string; port: number }, selector: string, settings: LiteConnectionSettings, log: Logger, hooks: GuacdHooks) {
    super(guacd, selector, settings, liteLogger(log.warn))
    this.hooks = hooks
    // GuacdClient emits 'error' and then closes itself: without a listener, EventEmitter would throw it out of the worker.
    this.on('error', () => {})
    this.on('close', (error?: Error) => hooks.onClose(error))
    // Keys and mouse moves are tiny writes: Nagle would hold each behind the previous one's ACK.
    this.guacdConnection.setNoDelay(true)
    this.guacdConnection.removeAllListeners('data')
    this.guacdConnection.on('data', (chunk: Buffer) => {
      try {
        this.lastActivity = Date.now()
        this.receive(chunk)
      } catch (err) {
        // A parser error (guacd sent garbage) or a throw in the session: this connection ends, not the worker.
        this.close(err as Error)
      }
    })
  }

  private receive(chunk: Buffer) {
    let batch: GuacdInstruction[] = []
    for (const i of this.scanner.push(chunk)) {
      if (this.state === this.STATE_CLOSED) return
      if (i.opcode === 'args') super.processInstruction(i.opcode, i.args)
      else if (i.opcode === 'ready') {
        if (batch.length) this.hooks.onInstructions(batch)
        batch = []
        // guacd's id stays here (it is not even kept): guacd checks nothing on `join`.
        if (this.state !== this.STATE_OPEN) {
          this.state = this.STATE_OPEN
          if (this.sendBuffer) this.send(this.sendBuffer)
          this.sendBuffer = ''
        }
        this.hooks.onReady()
      } else batch.push(i)
    }
    if (batch.length && this.state !== this.STATE_CLOSED) this.hooks.onInstructions(batch)
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
