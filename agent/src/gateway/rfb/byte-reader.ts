// Awaitable reads of exact byte counts, for the handshakes only: they are short, sequential exchanges
// where async/await reads best. Once both handshakes are done, whatever arrived early is handed to the
// message scanners with `rest()`.
import { RfbProtocolError } from './scanner'

/** A peer has no reason to send this much before the handshake ends; refuse rather than buffer it. */
const MAX_BUFFERED = 1 << 20

export class ByteReader {
  private chunks: Buffer[] = []
  private size = 0
  private waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined
  private error: Error | undefined

  /** Throws when the peer sent more than a handshake could need. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.size += chunk.length
    if (this.size > MAX_BUFFERED) throw new RfbProtocolError('too much data during the handshake')
    this.settle()
  }

  /** Rejects the pending read and every later one (the connection is gone). */
  fail(error: Error): void {
    this.error ??= error
    this.settle()
  }

  read(n: number): Promise<Buffer> {
    if (this.waiting) return Promise.reject(new Error('ByteReader: one read at a time'))
    return new Promise((resolve, reject) => {
      this.waiting = { n, resolve, reject }
      this.settle()
    })
  }

  /** Bytes received but not read, in order; the reader is empty afterwards. */
  rest(): Buffer[] {
    const rest = this.chunks
    this.chunks = []
    this.size = 0
    return rest
  }

  private settle(): void {
    const w = this.waiting
    if (!w) return
    if (this.size >= w.n) {
      this.waiting = undefined
      w.resolve(this.take(w.n))
    } else if (this.error) {
      this.waiting = undefined
      w.reject(this.error)
    }
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks)
    const rest = all.subarray(n)
    this.chunks = rest.length > 0 ? [rest] : []
    this.size -= n
    return all.subarray(0, n)
  }
}
