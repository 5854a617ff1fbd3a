// A minimal RFB client for the tests, over the relay's WebSocket or (as a reference) straight to Xvnc
// over TCP. It reads every server message in the background and lets tests wait for the ones they want.
import net from 'node:net'
import { constants, deflateSync, inflateSync } from 'node:zlib'
import WebSocket from 'ws'
import { vncAuthResponse } from '../../../agent/src/gateway/rfb/des'
import { ByteQueue } from './byte-queue'
import { readServerMessage, type ClientPixelFormat, type ServerMsg } from './server-reader'

export const Enc = {
  Raw: 0,
  CopyRect: 1,
  Hextile: 5,
  Tight: 7,
  ZRLE: 16,
  JPEG: 21,
  TightPNG: -260,
  DesktopSize: -223,
  LastRect: -224,
  Cursor: -239,
} as const
export const Pseudo = {
  QemuKey: -258,
  ExtDesktopSize: -308,
  Fence: -312,
  ContinuousUpdates: -313,
  ExtClipboard: 0xc0a1e5ce | 0,
  CompressLevel6: -250,
  QualityLevel6: -26,
} as const
export const ClipFlag = { text: 1, caps: 1 << 24, request: 1 << 25, peek: 1 << 26, notify: 1 << 27, provide: 1 << 28 } as const

export interface ServerInit {
  width: number
  height: number
  pf: ClientPixelFormat
  raw: Buffer
}

const FENCE_REQUEST = 0x80000000

export class RfbTestClient {
  readonly messages: ServerMsg[] = []
  readonly closed: Promise<{ code: number }>
  private readonly queue = new ByteQueue()
  private waiters = new Set<() => void>()
  private pf!: ClientPixelFormat
  serverInit!: ServerInit
  readError: Error | null = null
  /** Text this client answers extended-clipboard requests with (after `offerClipboard`). */
  private offered: string | null = null

  private constructor(
    private readonly write: (b: Buffer) => void,
    private readonly shut: () => void,
    closed: Promise<{ code: number }>,
  ) {
    this.closed = closed
  }

  /** Through the relay: the relay offers security type None only. */
  static async viaRelay(url: string, options?: import('ws').ClientOptions): Promise<RfbTestClient> {
    const ws = new WebSocket(url, options)
    ws.binaryType = 'nodebuffer'
    const closed = new Promise<{ code: number }>((r) => ws.on('close', (code) => r({ code })))
    const client = new RfbTestClient(
      (b) => ws.send(b),
      () => ws.terminate(),
      closed,
    )
    ws.on('message', (d: Buffer) => client.queue.push(d))
    ws.on('error', () => {})
    void closed.then(() => client.queue.end(new Error('connection closed')))
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return client
  }

  /** Straight to Xvnc with VncAuth, to compare what the relay delivers with what the server sends. */
  static async direct(port: number): Promise<RfbTestClient> {
    const sock = net.connect(port, '127.0.0.1')
    const closed = new Promise<{ code: number }>((r) => sock.on('close', () => r({ code: 0 })))
    const client = new RfbTestClient(
      (b) => sock.write(b),
      () => sock.destroy(),
      closed,
    )
    sock.on('data', (d) => client.queue.push(d))
    sock.on('error', () => {})
    void closed.then(() => client.queue.end(new Error('connection closed')))
    return client
  }

  /**
   * Version 3.8, then security (None, or VncAuth when a password is given), ClientInit, ServerInit.
   * `shared: false` asks for exclusive access, which makes the server disconnect its other clients.
   */
  async handshake(password?: string, { shared = true }: { shared?: boolean } = {}): Promise<ServerInit> {
    const read = (n: number) => this.queue.read(n)
    if ((await read(12)).toString('latin1') !== 'RFB 003.008\n') throw new Error('server is not RFB 3.8')
    this.write(Buffer.from('RFB 003.008\n', 'latin1'))
    const types = [...(await read((await read(1))[0]!))]
    const type = password === undefined ? 1 : 2
    if (!types.includes(type)) throw new Error(`security types offered: ${types}`)
    this.write(Buffer.from([type]))
    if (type === 2) this.write(Buffer.from(vncAuthResponse(password!, await read(16))))
    if ((await read(4)).readUInt32BE(0) !== 0) throw new Error('security failed')
    this.write(Buffer.from([shared ? 1 : 0]))
    return this.readServerInit()
  }

  /**
   * Security None without waiting for the server's turns: version, choice, ClientInit and `first`
   * messages go out as one WebSocket message right after the server's version arrives.
   */
  async pipelinedHandshake(first: Buffer): Promise<ServerInit> {
    const read = (n: number) => this.queue.read(n)
    if ((await read(12)).toString('latin1') !== 'RFB 003.008\n') throw new Error('server is not RFB 3.8')
    this.write(Buffer.concat([Buffer.from('RFB 003.008\n', 'latin1'), Buffer.from([1, 1]), first]))
    const types = [...(await read((await read(1))[0]!))]
    if (types.join() !== '1') throw new Error(`security types offered: ${types}`)
    if ((await read(4)).readUInt32BE(0) !== 0) throw new Error('security failed')
    return this.readServerInit()
  }

  private async readServerInit(): Promise<ServerInit> {
    const read = (n: number) => this.queue.read(n)
    const head = await read(24)
    const name = await read(head.readUInt32BE(20))
    const pf = {
      bitsPerPixel: head[4]!,
      depth: head[5]!,
      trueColour: head[7] !== 0,
      redMax: head.readUInt16BE(8),
      greenMax: head.readUInt16BE(10),
      blueMax: head.readUInt16BE(12),
    }
    this.pf = pf
    this.serverInit = { width: head.readUInt16BE(0), height: head.readUInt16BE(2), pf, raw: Buffer.concat([head, name]) }
    void this.pump()
    return this.serverInit
  }

  send(bytes: Buffer): void {
    this.write(bytes)
  }

  close(): void {
    this.shut()
  }

  setPixelFormat(pf: ClientPixelFormat & { shifts: [number, number, number] }): void {
    const b = Buffer.alloc(20)
    b.set([0, 0, 0, 0, pf.bitsPerPixel, pf.depth, 0, pf.trueColour ? 1 : 0])
    b.writeUInt16BE(pf.redMax, 8)
    b.writeUInt16BE(pf.greenMax, 10)
    b.writeUInt16BE(pf.blueMax, 12)
    b.set(pf.shifts, 14)
    this.pf = pf
    this.send(b)
  }

  setEncodings(list: number[]): void {
    const b = Buffer.alloc(4 + 4 * list.length)
    b.writeUInt8(2, 0)
    b.writeUInt16BE(list.length, 2)
    list.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i))
    this.send(b)
  }

  requestUpdate(incremental: boolean): void {
    const b = Buffer.alloc(10)
    b.set([3, incremental ? 1 : 0])
    b.writeUInt16BE(this.serverInit.width, 6)
    b.writeUInt16BE(this.serverInit.height, 8)
    this.send(b)
  }

  cutText(text: string): void {
    const body = Buffer.from(text, 'latin1')
    const b = Buffer.alloc(8)
    b.writeUInt8(6, 0)
    b.writeInt32BE(body.length, 4)
    this.send(Buffer.concat([b, body]))
  }

  /** Extended clipboard ClientCutText: flags word, then `payload` (negative length on the wire). */
  extendedClipboard(flags: number, payload: Buffer = Buffer.alloc(0)): void {
    const b = Buffer.alloc(12)
    b.writeUInt8(6, 0)
    b.writeInt32BE(-(4 + payload.length), 4)
    b.writeUInt32BE(flags >>> 0, 8)
    this.send(Buffer.concat([b, payload]))
  }

  /** Provide for text: zlib(u32 length, UTF-8 text with its terminating NUL), as TigerVNC expects. */
  provideText(text: string): void {
    const utf8 = Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])])
    const len = Buffer.alloc(4)
    len.writeUInt32BE(utf8.length)
    this.extendedClipboard(ClipFlag.provide | ClipFlag.text, deflateSync(Buffer.concat([len, utf8])))
  }

  /** Declares extended clipboard support (after SetEncodings with Pseudo.ExtClipboard): all actions, text up to 10 MiB. */
  clipboardCaps(): void {
    const sizes = Buffer.alloc(4)
    sizes.writeUInt32BE(10 << 20)
    this.extendedClipboard(ClipFlag.caps | ClipFlag.request | ClipFlag.peek | ClipFlag.notify | ClipFlag.provide | ClipFlag.text, sizes)
  }

  /** Extended clipboard copy: notify the server, then provide `text` when it asks. */
  offerClipboard(text: string): void {
    this.offered = text
    this.extendedClipboard(ClipFlag.notify | ClipFlag.text)
  }

  /** Clipboard texts received so far, legacy ServerCutText and extended-clipboard provides alike. */
  clipboardTexts(): string[] {
    return this.messages.flatMap((m) => {
      if (m.type === 'cut-text') return [m.text]
      if (m.type !== 'ext-clipboard' || m.flags & ClipFlag.caps || !(m.flags & ClipFlag.provide) || !(m.flags & ClipFlag.text)) return []
      // A fresh zlib stream per message, sync-flushed rather than finished (TigerVNC's ZlibOutStream).
      const plain = inflateSync(m.payload, { finishFlush: constants.Z_SYNC_FLUSH })
      return [
        plain
          .subarray(4, 4 + plain.readUInt32BE(0))
          .toString('utf8')
          .replace(/\0$/, ''),
      ]
    })
  }

  /** Resolves with the first message from index `from` on that matches, or rejects after `ms`. */
  waitFor<T extends ServerMsg>(match: (m: ServerMsg) => m is T, ms: number, from?: number): Promise<T>
  waitFor(match: (m: ServerMsg) => boolean, ms: number, from?: number): Promise<ServerMsg>
  waitFor(match: (m: ServerMsg) => boolean, ms: number, from = 0): Promise<ServerMsg> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.slice(from).find(match)
        if (found) return finish(() => resolve(found))
        if (this.readError) return finish(() => reject(this.readError))
      }
      const timer = setTimeout(() => finish(() => reject(new Error(`no matching message within ${ms} ms`))), ms)
      const finish = (f: () => void) => {
        clearTimeout(timer)
        this.waiters.delete(check)
        f()
      }
      this.waiters.add(check)
      check()
    })
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const msg = await readServerMessage(
          (n) => this.queue.read(n),
          () => this.pf,
        )
        // TigerVNC measures round trips with fences and stalls updates until they come back, as noVNC's would.
        if (msg.type === 'fence' && msg.flags & FENCE_REQUEST) this.fence(msg.flags & 0x7, msg.payload)
        // The extended clipboard's pull model, as noVNC does it: fetch what is announced, answer requests.
        if (msg.type === 'ext-clipboard' && msg.flags & ClipFlag.text && !(msg.flags & ClipFlag.caps)) {
          if (msg.flags & ClipFlag.notify) this.extendedClipboard(ClipFlag.request | ClipFlag.text)
          if (msg.flags & ClipFlag.request && this.offered !== null) this.provideText(this.offered)
        }
        this.messages.push(msg)
        for (const w of [...this.waiters]) w()
      }
    } catch (err) {
      this.readError = err as Error
      for (const w of [...this.waiters]) w()
    }
  }

  private fence(flags: number, payload: Buffer): void {
    const b = Buffer.alloc(9)
    b.writeUInt8(248, 0)
    b.writeUInt32BE(flags, 4)
    b.writeUInt8(payload.length, 8)
    this.send(Buffer.concat([b, payload]))
  }
}
