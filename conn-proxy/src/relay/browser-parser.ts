import { StringDecoder } from 'node:string_decoder'
import { GuacamoleParser } from './guacamole-lite'

/**
 * The most text the browser may send without completing an instruction. guacamole-common-js splits
 * stream data into blobs of 6048 bytes (8 KiB of base64), so this is generous; past it the element
 * lengths are lies (a negative or huge length makes the vendored parser wait for ever).
 */
export const MAX_PENDING_CHARS = 64 * 1024

/**
 * Browser→guacd parsing, which guacamole-lite does not do (it forwards browser bytes raw): the
 * vendored official Guacamole.Parser, fed UTF-8 text decoded across message boundaries (lengths are
 * code points). Instructions are handed on one at a time to be filtered and re-serialised; garbage
 * calls `onGarbage` once and nothing after it, and never throws out of the caller's handler.
 */
export function createBrowserParser(onInstruction: (opcode: string, args: string[]) => void, onGarbage: (why: string) => void) {
  const decoder = new StringDecoder('utf8')
  const parser = new GuacamoleParser()
  let completed = false
  let pending = 0
  let broken = false
  parser.oninstruction = (opcode, args) => {
    completed = true
    if (!broken) onInstruction(opcode, [...args])
  }
  const fail = (why: string) => {
    broken = true
    onGarbage(why)
  }
  return {
    receive(data: Buffer | string) {
      if (broken) return
      const text = typeof data === 'string' ? data : decoder.write(data)
      completed = false
      try {
        parser.receive(text)
      } catch (err) {
        return fail(`malformed instruction: ${(err as Error).message}`)
      }
      pending = completed ? 0 : pending + text.length
      if (pending > MAX_PENDING_CHARS) fail('unterminated instruction')
    },
  }
}
