import type { PromptParam } from '#schema'

/** How long the browser has to answer a PROMPT_USER `required` (seed: as guacamole-client's login prompt). */
export const PROMPT_TIMEOUT_MS = 120_000
/** The longest answer accepted, in bytes: a password or a user name, not a file. */
const MAX_ANSWER_BYTES = 4_096
const STREAM_INDEX = /^\d{1,9}$/

export type PromptOptions = {
  names: readonly PromptParam[]
  /** An instruction for the browser. */
  send: (elements: string[]) => void
  /** Every name answered: the values, which go to guacd only and are never logged. */
  done: (values: Record<string, string>) => void
  /** The browser did not answer in time or sent too much: the connection ends with this status. */
  fail: (message: string, status: string) => void
  timeoutMs?: number
}

/**
 * The PROMPT_USER phase, before guacd is reached: the relay asks the browser itself with `required`
 * (guacd never does at the VERSION_1_1_0 guacamole-lite negotiates), and takes the answers as
 * guacamole-common-js sends them from `onrequired`: `argv,<stream>,text/plain,<name>` through
 * createArgumentValueStream, then `blob`s and `end`. Only the asked names are accepted, once each.
 */
export function startPrompt(o: PromptOptions) {
  const values: Record<string, string> = {}
  const streams = new Map<string, { name: string; parts: Buffer[]; bytes: number }>()
  let over = false
  const finish = (then: () => void) => {
    over = true
    clearTimeout(timer)
    then()
  }
  const timer = setTimeout(() => finish(() => o.fail('No answer to the login prompt', '776')), o.timeoutMs ?? PROMPT_TIMEOUT_MS)
  o.send(['required', ...o.names])

  return {
    /** One browser instruction during the prompt; anything but the answers is ignored. */
    handle(opcode: string, args: string[]): void {
      if (over) return
      const stream = args[0] ?? ''
      if (opcode === 'argv') {
        const [, mimetype, name] = args
        const wanted = o.names.some((n) => n === name) && name !== undefined && !(name in values)
        if (!STREAM_INDEX.test(stream) || mimetype !== 'text/plain' || !wanted) return o.send(['ack', stream, 'Not asked', '771'])
        streams.set(stream, { name, parts: [], bytes: 0 })
        return o.send(['ack', stream, 'Ready for value', '0'])
      }
      const answer = streams.get(stream)
      if (!answer) return
      if (opcode === 'blob') {
        const bytes = Buffer.from(args[1] ?? '', 'base64')
        answer.bytes += bytes.length
        if (answer.bytes > MAX_ANSWER_BYTES) return finish(() => o.fail('Answer too long', '768'))
        answer.parts.push(bytes)
        return o.send(['ack', stream, 'OK', '0'])
      }
      if (opcode === 'end') {
        streams.delete(stream)
        // Bytes joined before decoding: a character may be split between two blobs.
        values[answer.name] = Buffer.concat(answer.parts).toString('utf8')
        if (o.names.every((n) => n in values)) finish(() => o.done(values))
      }
    },
    cancel(): void {
      over = true
      clearTimeout(timer)
    },
  }
}
export type Prompt = ReturnType<typeof startPrompt>
