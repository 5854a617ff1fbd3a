// A raw Guacamole-protocol client over WebSocket, the "modified client that speaks the Guacamole protocol
// directly" of the DLP tests: it answers `sync` as guacamole-common-js does, sends `nop` every second,
// records every instruction, and can open the streams a browser can (clipboard, pipe, file, argv).
import { createRequire } from 'node:module'
import WebSocket from 'ws'

type Parser = { receive(s: string): void; oninstruction: ((opcode: string, args: string[]) => void) | null }
type ParserClass = (new () => Parser) & { toInstruction(elements: unknown[]): string }
const Parser = createRequire(import.meta.url)('guacamole-lite/lib/vendor/GuacamoleParser.js') as ParserClass

export type Instruction = { opcode: string; args: string[]; at: number }

/** X11 keysyms for text: Latin-1 is its code point, Return and Tab are function keys, the rest 0x01000000 + code point. */
export function keysym(ch: string): number {
  if (ch === '\n') return 0xff0d
  if (ch === '\t') return 0xff09
  if (ch === '\b') return 0xff08
  const cp = ch.codePointAt(0)!
  return cp < 0x100 ? cp : 0x01000000 + cp
}

/** An HTTP refusal of the WebSocket upgrade: its status. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`upgrade refused: HTTP ${status}`)
  }
}

export class GuacTestClient {
  readonly instructions: Instruction[] = []
  /** guacd accepts stream indices below 64 (GUAC_USER_MAX_STREAMS), as guacamole-common-js allocates them. */
  private nextStream = 1
  private readonly waiters = new Set<() => void>()
  private readonly nop: NodeJS.Timeout
  readonly closed: Promise<{ code: number }>

  private constructor(readonly ws: WebSocket) {
    const parser = new Parser()
    parser.oninstruction = (opcode, args) => {
      this.instructions.push({ opcode, args: [...args], at: Date.now() })
      if (opcode === 'sync') this.send('sync', args[0])
      // Inbound data streams are acked per blob, as guacamole-common-js's readers do, so guacd keeps sending.
      if (opcode === 'blob' && this.isDataStream(args[0]!)) this.send('ack', args[0], 'OK', 0)
      for (const w of this.waiters) w()
    }
    ws.on('message', (d: Buffer) => parser.receive(d.toString('utf8')))
    this.nop = setInterval(() => this.send('nop'), 1_000)
    this.closed = new Promise((resolve) =>
      ws.once('close', (code) => {
        clearInterval(this.nop)
        for (const w of this.waiters) w()
        resolve({ code })
      }),
    )
  }

  /** Opens `url` with guacamole-common-js's subprotocol; rejects with UpgradeRefused on an HTTP answer. */
  static connect(url: string, protocols: string[] = ['guacamole']): Promise<GuacTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols)
      ws.once('open', () => resolve(new GuacTestClient(ws)))
      ws.once('unexpected-response', (req, res) => {
        req.destroy()
        reject(new UpgradeRefused(res.statusCode ?? 0))
      })
      ws.once('error', reject)
    })
  }

  private isDataStream(stream: string) {
    const opened = this.instructions.find((i) => ['clipboard', 'pipe', 'file', 'argv'].includes(i.opcode) && i.args[0] === stream)
    return opened !== undefined
  }

  send(...elements: unknown[]) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(Parser.toInstruction(elements))
  }
  sendRaw(text: string) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text)
  }

  /** Opens a browser stream with `open` (its index first), sends `data` as one base64 blob and ends it; the stream's index. */
  private stream(open: (index: number) => unknown[], data: string | Buffer): number {
    const index = this.nextStream
    this.nextStream = (this.nextStream % 63) + 1
    this.send(...open(index))
    this.send('blob', index, Buffer.from(data).toString('base64'))
    this.send('end', index)
    return index
  }
  sendClipboard = (text: string) => this.stream((i) => ['clipboard', i, 'text/plain'], text)
  sendPipe = (name: string, text: string) => this.stream((i) => ['pipe', i, 'text/plain', name], text)
  sendFile = (name: string, data: string) => this.stream((i) => ['file', i, 'application/octet-stream', name], data)
  sendArgv = (name: string, value: string) => this.stream((i) => ['argv', i, 'text/plain', name], value)

  /** Types `text` as key presses and releases. */
  type(text: string) {
    for (const ch of text) {
      this.send('key', keysym(ch), 1)
      this.send('key', keysym(ch), 0)
    }
  }
  mouse(x: number, y: number, buttons: number) {
    this.send('mouse', x, y, buttons)
  }

  all = (opcode: string) => this.instructions.filter((i) => i.opcode === opcode)
  first = (opcode: string) => this.instructions.find((i) => i.opcode === opcode)

  /** Bytes of all blobs on the streams opened by `opcode` instructions (clipboard, pipe, file…). */
  streamBytes(opcode: string): Buffer {
    const streams = new Set(this.all(opcode).map((i) => i.args[0]))
    return Buffer.concat(this.all('blob').flatMap((b) => (streams.has(b.args[0]) ? [Buffer.from(b.args[1]!, 'base64')] : [])))
  }

  /** Waits until `check` holds over the instructions received; rejects after `ms` or when the socket closes. */
  waitFor<T>(check: (c: GuacTestClient) => T | undefined | false, ms = 10_000, what = 'an instruction'): Promise<T> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const v = check(this)
        if (v) return finish(() => resolve(v))
        if (this.ws.readyState === WebSocket.CLOSED) finish(() => reject(new Error(`closed while waiting for ${what}: ${this.summary()}`)))
      }
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for ${what}: ${this.summary()}`))), ms)
      const finish = (then: () => void) => {
        clearTimeout(timer)
        this.waiters.delete(test)
        then()
      }
      this.waiters.add(test)
      test()
    })
  }
  waitForOpcode = (opcode: string, ms?: number) => this.waitFor((c) => c.first(opcode), ms, `\`${opcode}\``)

  /** Opcodes received, with counts, and any error: for failure messages. */
  summary() {
    const counts: Record<string, number> = {}
    for (const i of this.instructions) counts[i.opcode] = (counts[i.opcode] ?? 0) + 1
    return JSON.stringify({ counts, errors: this.all('error').map((e) => e.args) })
  }

  /** Ends the session as guacamole-common-js does: `disconnect`, then the socket. */
  async disconnect() {
    this.send('disconnect')
    this.ws.close()
    await this.closed
  }
  /** Closes the socket without `disconnect`, like a closed browser tab. */
  async drop() {
    this.ws.close()
    await this.closed
  }
}
