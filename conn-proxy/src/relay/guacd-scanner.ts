import { isAscii } from 'node:buffer'

/**
 * guacd→browser parsing on bytes, for the relay's hot path. guacamole-lite decodes each chunk to a
 * string, parses it with the vendored Guacamole.Parser (a code-point count per element, in JS) and
 * the relay then re-serialised every instruction (a second count) and re-encoded it to UTF-8: on a
 * 2-core host that CPU came out of guacd's own and halved a terminal flood's throughput (bench/conn-proxy).
 * Here an instruction's bytes are found without decoding its payload (ASCII runs are measured in C++
 * by `isAscii`; other elements counted per code point), and the bytes guacd sent are what the browser
 * gets. Elements are decoded to strings only where the filter reads them: all but a `blob`'s data.
 */
export type GuacdInstruction = {
  opcode: string
  /** Decoded elements after the opcode; a `blob`'s data element is left out (only its stream index is read). */
  args: string[]
  /** The instruction exactly as guacd sent it, terminator included. */
  raw: Buffer
}

/** An instruction bigger than this is not guacd's (its blobs are 8 KiB of base64, its largest images ~1 MB). */
export const MAX_INSTRUCTION_BYTES = 8 * 1024 * 1024
const DOT = 0x2e
const COMMA = 0x2c
const SEMI = 0x3b

export class GuacdScanError extends Error {}

export function createGuacdScanner() {
  let pending: Buffer | undefined

  /** Byte length of `count` code points of UTF-8 at `from`, or -1 when the buffer ends first. */
  function elementBytes(buf: Buffer, from: number, count: number): number {
    const end = from + count
    if (end <= buf.length && isAscii(buf.subarray(from, end))) return count
    let i = from
    for (let cp = 0; cp < count; cp++) {
      if (i >= buf.length) return -1
      const b = buf[i]!
      i += b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    }
    return i > buf.length ? -1 : i - from
  }

  /** One instruction at `start`, or undefined when it is not all here yet. */
  function scanOne(buf: Buffer, start: number): { end: number; opcode: string; args: string[] } | undefined {
    let p = start
    let opcode = ''
    const args: string[] = []
    for (let index = 0; ; index++) {
      let length = 0
      let digits = 0
      for (;;) {
        if (p >= buf.length) return undefined
        const b = buf[p++]!
        if (b === DOT) break
        if (b < 0x30 || b > 0x39 || ++digits > 9) throw new GuacdScanError('bad element length from guacd')
        length = length * 10 + (b - 0x30)
      }
      if (digits === 0) throw new GuacdScanError('bad element length from guacd')
      const bytes = elementBytes(buf, p, length)
      if (bytes < 0 || p + bytes >= buf.length) return undefined
      const terminator = buf[p + bytes]
      if (terminator !== COMMA && terminator !== SEMI) throw new GuacdScanError('bad element terminator from guacd')
      if (index === 0) opcode = buf.toString('utf8', p, p + bytes)
      else if (!(index === 2 && opcode === 'blob')) args.push(buf.toString('utf8', p, p + bytes))
      p += bytes + 1
      if (terminator === SEMI) return { end: p, opcode, args }
    }
  }

  return {
    /** The complete instructions this chunk ends; an incomplete tail waits for the next chunk. */
    push(chunk: Buffer): GuacdInstruction[] {
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk
      pending = undefined
      const out: GuacdInstruction[] = []
      let at = 0
      while (at < buf.length) {
        const hit = scanOne(buf, at)
        if (!hit) break
        out.push({ opcode: hit.opcode, args: hit.args, raw: buf.subarray(at, hit.end) })
        at = hit.end
      }
      if (at < buf.length) {
        if (buf.length - at > MAX_INSTRUCTION_BYTES) throw new GuacdScanError('instruction from guacd too large')
        // Copied: a subarray would keep the whole chunk alive.
        pending = Buffer.from(buf.subarray(at))
      }
      return out
    },
  }
}
