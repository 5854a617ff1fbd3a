// A bare guacd connection over TCP, with no proxy: the benchmark's baseline. It does the handshake
// as any Guacamole client does (select, args, size/audio/video/image/timezone, connect by name) and
// then records instructions and answers `sync`, like the WebSocket test client.
import { createRequire } from 'node:module'
import { connect, type Socket } from 'node:net'
import { StringDecoder } from 'node:string_decoder'

type Parser = { receive(s: string): void; oninstruction: ((opcode: string, args: string[]) => void) | null }
type ParserClass = (new () => Parser) & { toInstruction(elements: unknown[]): string }
const Parser = createRequire(import.meta.url)('guacamole-lite/lib/vendor/GuacamoleParser.js') as ParserClass

export type DirectInstruction = { opcode: string; at: number; size: number }

export class DirectGuacd {
  readonly instructions: DirectInstruction[] = []
  bytes = 0
  private readonly waiters = new Set<() => void>()
  readonly closed: Promise<void>

  private constructor(
    private readonly socket: Socket,
    protocol: string,
    settings: Record<string, string>,
  ) {
    const parser = new Parser()
    const decoder = new StringDecoder('utf8')
    parser.oninstruction = (opcode, args) => {
      if (opcode === 'args') {
        const version = args[0]!.startsWith('VERSION_') ? 'VERSION_1_1_0' : null
        this.send('size', 1024, 768, 96)
        // The relay's handshake (conn-proxy guac-session.ts): guacd picks its encoder (WebP when offered) from these.
        this.send('audio', 'audio/L8', 'audio/L16')
        this.send('video')
        this.send('image', 'image/jpeg', 'image/png', 'image/webp')
        this.send('timezone', 'UTC')
        this.send('connect', ...args.map((name, i) => (i === 0 && version ? version : (settings[name] ?? ''))))
        return
      }
      if (opcode === 'sync') this.send('sync', args[0])
      this.instructions.push({ opcode, at: arrived, size: args.reduce((a, s) => a + s.length, opcode.length) })
      for (const w of this.waiters) w()
    }
    // When the instruction's bytes arrived, not when the parser reached it: a read's later instructions wait for
    // the earlier ones' parsing, which is the client's time, not the connection's.
    let arrived = 0
    socket.on('data', (d: Buffer) => {
      arrived = performance.now()
      this.bytes += d.length
      parser.receive(decoder.write(d))
    })
    this.closed = new Promise((r) => socket.once('close', () => r()))
    socket.on('error', () => {})
    this.send('select', protocol)
  }

  static open(guacd: { host: string; port: number }, protocol: string, settings: Record<string, string>): Promise<DirectGuacd> {
    return new Promise((resolve, reject) => {
      // No Nagle, as the relay's guacd socket: the baseline is the best a direct client does.
      const s = connect({ ...guacd, noDelay: true }, () => resolve(new DirectGuacd(s, protocol, settings)))
      s.once('error', reject)
    })
  }

  send(...elements: unknown[]) {
    if (!this.socket.destroyed) this.socket.write(Parser.toInstruction(elements.map((e) => (e === undefined ? '' : String(e)))))
  }

  /** Resolves with the first instruction after `since` (performance.now()) that `match` accepts. */
  waitFor(match: (opcode: string) => boolean, since = 0, ms = 15_000): Promise<DirectInstruction> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.instructions.find((i) => i.at >= since && match(i.opcode))
        if (hit) return (this.waiters.delete(check), clearTimeout(timer), resolve(hit))
      }
      const timer = setTimeout(() => (this.waiters.delete(check), reject(new Error('guacd sent nothing matching in time'))), ms)
      this.waiters.add(check)
      check()
    })
  }

  /** `disconnect` first, so guacd ends the session at once (guacd-ci.md G7). */
  async close() {
    this.send('disconnect')
    this.socket.end()
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2_000))])
    this.socket.destroy()
  }
}
