// The incremental engine under both RFB message parsers. A parser is a chain of steps: `read(n)` hands
// it n contiguous bytes (small headers), `pass(n)` lets n bytes through without looking at them (pixel
// data, cut text). Input arrives in arbitrary chunks (TCP segments, WebSocket messages); the scanner
// keeps partial state between pushes, so message boundaries never have to line up with chunks.
//
// Output is a list of views of the input chunks; only header bytes that straddle two chunks, and the
// few held while a cut text is judged, are copied. Views adjacent in memory are merged, so a chunk
// with nothing dropped goes out as one Buffer however many messages it holds.

/** Input the relay must not forward (it cannot find the next message boundary, or a limit was hit). */
export class RfbProtocolError extends Error {
  override name = 'RfbProtocolError'
}

export type Step =
  | { readonly kind: 'read'; readonly n: number; readonly then: (bytes: Buffer) => Step }
  | { readonly kind: 'pass'; readonly n: number; readonly then: () => Step }

/** Buffers are capped so a hostile length cannot make the relay allocate; bodies use `pass`. */
const MAX_READ = 1 << 20

export const read = (n: number, then: (bytes: Buffer) => Step): Step => {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_READ) throw new RfbProtocolError(`header of ${n} bytes`)
  return { kind: 'read', n, then }
}
export const pass = (n: number, then: () => Step): Step => {
  if (!Number.isSafeInteger(n) || n < 0) throw new RfbProtocolError(`body of ${n} bytes`)
  return { kind: 'pass', n, then }
}

/**
 * What a parser may decide about the message it is reading. The decision may come after some of the
 * message's bytes were read (a cut text's length and flags), so `hold` parks them until it is made.
 * The bytes of the `read` whose callback decides are emitted after the callback returns.
 */
/** Every message, either way: its type byte is read and forwarded, then `dispatch` parses the rest. */
export const messageStart = (ctl: MessageControl, dispatch: (type: number) => Step): Step =>
  read(1, (t) => {
    ctl.forward()
    return dispatch(t[0]!)
  })

export interface MessageControl {
  /** Forward this message (the default at each message start). */
  forward(): void
  /** Discard this message, including any bytes held so far. */
  drop(): void
  /** Keep this message's bytes back until `forward` or `drop`. Only for bounded headers. */
  hold(): void
  /** Discard this message and send `bytes` in its place. */
  replace(bytes: Buffer): void
}

type Mode = 'forward' | 'drop' | 'hold'

export class Scanner implements MessageControl {
  private step: Step
  private remaining = 0
  private partial: Buffer | undefined
  private filled = 0
  private mode: Mode = 'forward'
  private held: Buffer[] = []
  private out: Buffer[] = []
  /** The forward run being extended: a byte range of one chunk's memory, materialised on flush. */
  private run: { buffer: ArrayBufferLike; start: number; end: number } | undefined
  private dead = false

  constructor(start: (ctl: MessageControl) => Step) {
    this.step = start(this)
    this.install(this.step)
  }

  /** Consumes one chunk; returns the bytes to forward. Throws RfbProtocolError, after which the scanner is dead. */
  push(chunk: Buffer): Buffer[] {
    if (this.dead) throw new RfbProtocolError('scanner already failed')
    this.out = []
    try {
      this.consume(chunk)
    } catch (err) {
      this.dead = true
      this.run = undefined
      throw err
    }
    this.flushRun()
    return this.out
  }

  forward(): void {
    if (this.held.length > 0) {
      this.flushRun() // earlier bytes first
      for (const b of this.held) this.out.push(b)
    }
    this.held = []
    this.mode = 'forward'
  }
  drop(): void {
    this.held = []
    this.mode = 'drop'
  }
  hold(): void {
    this.mode = 'hold'
  }
  replace(bytes: Buffer): void {
    this.drop()
    this.flushRun()
    this.out.push(bytes)
  }

  private consume(chunk: Buffer): void {
    let pos = 0
    for (;;) {
      const s = this.step
      if (s.kind === 'pass') {
        if (this.remaining > 0) {
          if (pos === chunk.length) return
          const n = Math.min(this.remaining, chunk.length - pos)
          this.emit(chunk.subarray(pos, pos + n))
          pos += n
          this.remaining -= n
          if (this.remaining > 0) return
        }
        this.install(s.then())
        continue
      }
      let bytes: Buffer
      if (this.partial === undefined && chunk.length - pos >= s.n) {
        bytes = chunk.subarray(pos, pos + s.n)
        pos += s.n
      } else {
        if (pos === chunk.length) return
        // A header split across chunks: the only place the scanner copies, and only header bytes.
        const partial = (this.partial ??= Buffer.allocUnsafe(s.n))
        const n = Math.min(s.n - this.filled, chunk.length - pos)
        chunk.copy(partial, this.filled, pos, pos + n)
        this.filled += n
        pos += n
        if (this.filled < s.n) return
        bytes = partial
      }
      const next = s.then(bytes)
      this.emit(bytes)
      this.install(next)
    }
  }

  private install(step: Step): void {
    this.step = step
    this.remaining = step.n
    this.partial = undefined
    this.filled = 0
  }

  private emit(b: Buffer): void {
    if (b.length === 0 || this.mode === 'drop') return
    if (this.mode === 'hold') {
      if (this.step.kind === 'pass') throw new Error('rfb scanner: a parser held a message body')
      this.held.push(Buffer.from(b)) // a copy: held bytes must not pin or alias the caller's chunk
      return
    }
    const run = this.run
    if (run && run.buffer === b.buffer && run.end === b.byteOffset) {
      run.end += b.length
      return
    }
    this.flushRun()
    this.run = { buffer: b.buffer, start: b.byteOffset, end: b.byteOffset + b.length }
  }

  private flushRun(): void {
    const run = this.run
    if (!run) return
    this.out.push(Buffer.from(run.buffer, run.start, run.end - run.start))
    this.run = undefined
  }
}
