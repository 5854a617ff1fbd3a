// The throughput client, run as its own process (so it never shares a thread with the relay under
// test): RFB 3.8 over a WebSocket, SetEncodings [Raw], then non-incremental full-screen updates with
// two requests outstanding. Pixel data is counted, never copied or kept.
//
// argv[2]: JSON { url, password (null: security None), warmupMs, durationMs }. Prints `MEASURE start`
// and `MEASURE end` as the measured window opens and closes, then one `RESULT {...}` line.
import WebSocket from 'ws'
import { vncAuthResponse } from '../../agent/src/gateway/rfb/des'

type Args = { url: string; password: string | null; warmupMs: number; durationMs: number }
const args = JSON.parse(process.argv[2] ?? '{}') as Args

/** Awaitable exact reads for the handshake only. */
class Handshake {
  private buf = Buffer.alloc(0)
  private wake: (() => void) | null = null
  push(b: Buffer) {
    this.buf = Buffer.concat([this.buf, b])
    this.wake?.()
  }
  async read(n: number): Promise<Buffer> {
    while (this.buf.length < n) await new Promise<void>((r) => (this.wake = r))
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }
  rest = () => this.buf
}

/** Walks server messages across chunks, skipping Raw pixel data without buffering it. */
class UpdateCounter {
  private hdr = Buffer.alloc(12)
  private need = 1
  private filled = 0
  private onHeader: (h: Buffer) => void = (h) => this.type(h)
  private skip = 0
  private afterSkip: () => void = () => {}
  private rectsLeft = 0
  updates = 0

  constructor(private readonly onUpdate: () => void) {}

  push(chunk: Buffer): void {
    let pos = 0
    while (pos < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - pos)
        pos += n
        this.skip -= n
        if (this.skip === 0) this.afterSkip()
        continue
      }
      const n = Math.min(this.need - this.filled, chunk.length - pos)
      chunk.copy(this.hdr, this.filled, pos, pos + n)
      this.filled += n
      pos += n
      if (this.filled === this.need) {
        this.filled = 0
        this.onHeader(this.hdr)
      }
    }
  }

  private expect(n: number, then: (h: Buffer) => void) {
    this.need = n
    this.onHeader = then
  }
  private body(n: number, then: () => void) {
    this.skip = n
    this.afterSkip = then
    if (n === 0) then()
  }
  private type(h: Buffer) {
    const t = h[0]!
    if (t === 0) return this.expect(3, (u) => ((this.rectsLeft = u.readUInt16BE(1)), this.nextRect()))
    if (t === 2 || t === 150) return this.expect(1, (x) => this.type(x))
    if (t === 3) return this.expect(7, (c) => this.body(Math.abs(c.readInt32BE(3)), () => this.expect(1, (x) => this.type(x))))
    throw new Error(`unexpected server message type ${t}`)
  }
  private nextRect() {
    if (this.rectsLeft-- === 0) return this.updateDone()
    this.expect(12, (r) => {
      const w = r.readUInt16BE(4)
      const hgt = r.readUInt16BE(6)
      const enc = r.readInt32BE(8)
      if (enc === -224) return this.updateDone() // LastRect
      if (enc !== 0 && enc !== -223) throw new Error(`unexpected encoding ${enc}`)
      this.body(enc === 0 ? w * hgt * 4 : 0, () => this.nextRect())
    })
  }
  private updateDone() {
    this.updates++
    this.expect(1, (x) => this.type(x))
    this.onUpdate()
  }
}

function fullRequest(width: number, height: number): Buffer {
  const b = Buffer.alloc(10)
  b[0] = 3 // FramebufferUpdateRequest, non-incremental
  b.writeUInt16BE(width, 6)
  b.writeUInt16BE(height, 8)
  return b
}

async function main() {
  const ws = new WebSocket(args.url, { perMessageDeflate: false })
  ws.binaryType = 'nodebuffer'
  const hs = new Handshake()
  let onData: (b: Buffer) => void = (b) => hs.push(b)
  let received = 0
  let messages = 0
  ws.on('message', (d: Buffer) => {
    received += d.length
    messages++
    onData(d)
  })
  const closed = new Promise<never>((_, reject) => ws.on('close', (code) => reject(new Error(`closed (${code})`))))
  closed.catch(() => {})
  await new Promise<void>((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject)))
  const send = (b: Buffer | Uint8Array) => ws.send(b)

  if ((await hs.read(12)).toString('latin1') !== 'RFB 003.008\n') throw new Error('not RFB 3.8')
  send(Buffer.from('RFB 003.008\n', 'latin1'))
  const types = [...(await hs.read((await hs.read(1))[0]!))]
  const type = args.password === null ? 1 : 2
  if (!types.includes(type)) throw new Error(`security types offered: ${types}`)
  send(Buffer.from([type]))
  if (type === 2) send(vncAuthResponse(args.password!, await hs.read(16)))
  if ((await hs.read(4)).readUInt32BE(0) !== 0) throw new Error('security failed')
  send(Buffer.from([1]))
  const init = await hs.read(24)
  await hs.read(init.readUInt32BE(20))
  const [width, height, bpp] = [init.readUInt16BE(0), init.readUInt16BE(2), init[4]!]
  if (bpp !== 32) throw new Error(`server pixel format is ${bpp} bpp; the counter assumes 32`)
  send(Buffer.from([2, 0, 0, 1, 0, 0, 0, 0])) // SetEncodings [Raw]

  const request = fullRequest(width, height)
  const counter = new UpdateCounter(() => send(request))
  onData = (b) => counter.push(b)
  const leftover = hs.rest()
  if (leftover.length > 0) counter.push(leftover)
  send(request)
  send(request)

  const timed = (ms: number) => Promise.race([new Promise((r) => setTimeout(r, ms)), closed])
  await timed(args.warmupMs)
  const [b0, u0, m0, t0, c0] = [received, counter.updates, messages, performance.now(), process.cpuUsage()]
  process.stdout.write('MEASURE start\n')
  await timed(args.durationMs)
  const [b1, u1, m1, t1, c1] = [received, counter.updates, messages, performance.now(), process.cpuUsage(c0)]
  process.stdout.write('MEASURE end\n')
  ws.terminate()
  const result = {
    bytes: b1 - b0,
    ms: t1 - t0,
    updates: u1 - u0,
    messages: m1 - m0,
    clientCpu: (c1.user + c1.system) / 1000 / (t1 - t0),
    width,
    height,
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`stream client: ${String(err)}\n`)
    process.exit(1)
  },
)
