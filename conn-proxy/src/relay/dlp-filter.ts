import type { DlpFlags } from '#schema'

/**
 * The relay's DLP filter (guacamole.md §2.3–§2.4): pure, one per connection, told each instruction in
 * each direction. guacd's own `disable-copy`/`disable-paste` cover only the clipboard stream, not the SSH
 * `STDIN` pipe nor the OSC 482202 output pipe, so the relay filters every data-carrying stream itself.
 */
export type DlpPolicy = { dlp: DlpFlags; viewOnly: boolean }

/** One instruction's fate: pass it on or not, and what to answer its sender (an `ack` refusing a stream). */
export type Verdict = { forward: boolean; answer?: string[] }

/** Guacamole status CLIENT_FORBIDDEN: the stream is refused by policy (guacamole.md §2.2, 7). */
export const STATUS_FORBIDDEN = '771'
const REFUSED = 'Forbidden by policy'

/**
 * What the browser may send guacd (guacd 1.6.0's user handlers, §2.3). Not `select`/`connect` and the
 * other handshake instructions: the relay alone speaks the handshake.
 */
const FROM_BROWSER = new Set('sync mouse key touch size ack blob end nop disconnect clipboard file pipe put get argv audio'.split(' '))
/**
 * What guacd may send the browser: the instructions guacamole-common-js 1.5 handles (Client.js
 * `instructionHandlers`) plus guacd's keep-alive `nop`. Left out: `nest`, whose payload is a nested
 * instruction stream that would bypass this filter, and `required`, which guacd never sends at the
 * VERSION_1_1_0 the handshake negotiates (the relay itself asks for PROMPT_USER answers).
 */
const FROM_GUACD = new Set(
  (
    'ack arc argv audio blob body cfill clip clipboard close copy cstroke cursor curve disconnect dispose ' +
    'distort end error file filesystem identity img jpeg lfill line lstroke mouse move msg name nop pipe ' +
    'png pop push rect reset set shade size start sync transfer transform undefine video'
  ).split(' '),
)

/** Which argument holds the stream index, for the instructions that open a stream. */
const OPENS_STREAM_AT: Record<string, number> = {
  img: 0,
  audio: 0,
  video: 0,
  clipboard: 0,
  file: 0,
  pipe: 0,
  argv: 0,
  body: 1,
  put: 1,
}
/** A directory listing's mimetype (guacamole-common-js Guacamole.Object.STREAM_INDEX_MIMETYPE): names only, needed to upload into a folder. */
const LISTING_MIMETYPE = 'application/vnd.glyptodon.guacamole.stream-index+json'
const STREAM_INDEX = /^\d{1,9}$/

export function createDlpFilter({ dlp, viewOnly }: DlpPolicy) {
  // Stream indices are per direction (§2.4): `blob`/`end` travel with the stream, `ack` the other way.
  const refusedUp = new Set<string>()
  const droppedDown = new Set<string>()
  const transfers = dlp.uploads || dlp.downloads

  /** Whether the browser may open this stream. */
  function browserMayOpen(opcode: string): boolean {
    if (viewOnly) return false
    switch (opcode) {
      case 'clipboard':
        return dlp.clipboard_up
      // A browser pipe named STDIN types into an SSH terminal whatever `disable-paste` says: it is a paste.
      case 'pipe':
        return dlp.clipboard_up
      case 'file':
      case 'put':
        return dlp.uploads
      // `argv` is only accepted while the relay prompts (prompt.ts), before guacd is reached; no microphone ever.
      default:
        return false
    }
  }

  function guacdMayOpen(opcode: string, args: string[]): boolean {
    switch (opcode) {
      case 'clipboard':
      // The OSC 482202 escape opens a server pipe that carries terminal output out, past `disable-copy`.
      case 'pipe':
        return dlp.clipboard_down
      // RDP printing delivers its PDF as a file stream.
      case 'file':
        return dlp.downloads || (dlp.printing && args[1] === 'application/pdf')
      case 'body':
        return dlp.downloads || (transfers && args[2] === LISTING_MIMETYPE)
      default:
        return true
    }
  }

  return {
    fromBrowser(opcode: string, args: string[]): Verdict {
      if (!FROM_BROWSER.has(opcode)) return { forward: false }
      if (viewOnly && (opcode === 'key' || opcode === 'mouse' || opcode === 'touch')) return { forward: false }
      const at = OPENS_STREAM_AT[opcode]
      if (at !== undefined) {
        const stream = args[at]
        if (stream === undefined || !STREAM_INDEX.test(stream)) return { forward: false }
        if (!browserMayOpen(opcode)) {
          refusedUp.add(stream)
          return { forward: false, answer: ['ack', stream, REFUSED, STATUS_FORBIDDEN] }
        }
        refusedUp.delete(stream)
        return { forward: true }
      }
      if (opcode === 'blob' || opcode === 'end') {
        const stream = args[0] ?? ''
        if (!refusedUp.has(stream)) return { forward: true }
        if (opcode === 'end') refusedUp.delete(stream)
        return { forward: false }
      }
      // The browser never saw a dropped stream; an ack for one would only confuse guacd.
      if (opcode === 'ack') return { forward: !droppedDown.has(args[0] ?? '') }
      if (opcode === 'get') return { forward: transfers }
      return { forward: true }
    },

    fromGuacd(opcode: string, args: string[]): Verdict {
      if (!FROM_GUACD.has(opcode)) return { forward: false }
      const at = OPENS_STREAM_AT[opcode]
      if (at !== undefined) {
        const stream = args[at] ?? ''
        if (!guacdMayOpen(opcode, args)) {
          droppedDown.add(stream)
          // Answered so guacd stops sending the stream instead of waiting for the browser's acks.
          return { forward: false, answer: ['ack', stream, REFUSED, STATUS_FORBIDDEN] }
        }
        droppedDown.delete(stream)
        return { forward: true }
      }
      if (opcode === 'blob' || opcode === 'end') {
        const stream = args[0] ?? ''
        if (!droppedDown.has(stream)) return { forward: true }
        if (opcode === 'end') droppedDown.delete(stream)
        return { forward: false }
      }
      if (opcode === 'filesystem') return { forward: transfers }
      return { forward: true }
    },
  }
}
export type DlpFilter = ReturnType<typeof createDlpFilter>
