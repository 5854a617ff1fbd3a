// Awaitable exact-length reads for the test client. Deliberately not the relay's own ByteReader:
// the client checks the relay, so it shares none of its code.
export class ByteQueue {
  private buf = Buffer.alloc(0)
  private want: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null
  private ended: Error | null = null

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    this.settle()
  }

  end(err: Error): void {
    this.ended ??= err
    this.settle()
  }

  read(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.want = { n, resolve, reject }
      this.settle()
    })
  }

  private settle(): void {
    if (!this.want) return
    const { n, resolve, reject } = this.want
    if (this.buf.length >= n) {
      this.want = null
      const out = Buffer.from(this.buf.subarray(0, n))
      this.buf = this.buf.subarray(n)
      resolve(out)
    } else if (this.ended) {
      this.want = null
      reject(this.ended)
    }
  }
}
