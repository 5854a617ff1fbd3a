import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import type { Logger } from '#daemon-kit'
import type { ProxyConnectAnswer } from '#schema'
import { createBrowserParser } from './browser-parser'
import { createDlpFilter } from './dlp-filter'
import { toInstruction } from './guacamole-lite'
import { GuacdConnection } from './guacd-client'
import { startPrompt, type Prompt } from './prompt'

export type Display = { width: number; height: number; dpi: number }

export type GuacSessionOptions = {
  browser: WebSocket
  answer: ProxyConnectAnswer
  display: Display
  guacd: { host: string; port: number }
  log: Logger
  /** Called once, when both sides are closed or closing. */
  onEnd: () => void
  promptTimeoutMs?: number
}

/** guacamole-common-js plays raw PCM (Guacamole.RawAudioPlayer) and decodes these images. */
const AUDIO = ['audio/L8', 'audio/L16']
const IMAGE = ['image/jpeg', 'image/png', 'image/webp']
/** guacamole-common-js's internal opcode (Guacamole.Tunnel.INTERNAL_DATA_OPCODE): its first use gives the tunnel its id. */
const INTERNAL = ''

/**
 * One browser's Guacamole connection: the optional PROMPT_USER phase, then guacd through the adapter,
 * every instruction both ways through the DLP filter. The browser never learns guacd's connection id:
 * its tunnel id is a random one of ours.
 */
export function startGuacSession(o: GuacSessionOptions) {
  const { browser, answer } = o
  const filter = createDlpFilter({ dlp: answer.dlp, viewOnly: answer.view_only })
  const display = { ...o.display }
  let guacd: GuacdConnection | undefined
  let prompt: Prompt | undefined
  let tunnelOpened = false
  let ended = false

  const toBrowser = (elements: string[]) => {
    if (browser.readyState === browser.OPEN) browser.send(toInstruction(elements))
  }
  /** guacd's own bytes, whole instructions only (guacamole-common-js parses each message on its own), as one text message. */
  const rawToBrowser = (parts: Buffer[]) => {
    if (browser.readyState === browser.OPEN) browser.send(parts.length === 1 ? parts[0]! : Buffer.concat(parts), { binary: false })
  }
  const openTunnel = () => {
    if (tunnelOpened) return
    tunnelOpened = true
    toBrowser([INTERNAL, randomUUID()])
  }

  function end(error?: { message: string; status: string }) {
    if (ended) return
    ended = true
    prompt?.cancel()
    if (error) toBrowser(['error', error.message, error.status])
    guacd?.disconnect()
    if (browser.readyState === browser.OPEN || browser.readyState === browser.CONNECTING) browser.close(1000)
    o.onEnd()
  }

  function connectGuacd(values: Record<string, string>) {
    prompt = undefined
    const settings = {
      ...answer.settings,
      ...values,
      ...display,
      audio: AUDIO,
      video: [],
      image: IMAGE,
      timezone: answer.settings.timezone,
    }
    try {
      guacd = openGuacd(settings)
    } catch (err) {
      // net.connect throws at once on a bad address: this connection fails, not the worker.
      o.log.error('could not reach guacd', { kasm_id: answer.kasm_id, error: (err as Error).message })
      end({ message: 'The connection to the server failed', status: '512' })
    }
  }

  function openGuacd(settings: ConstructorParameters<typeof GuacdConnection>[2]) {
    return new GuacdConnection(o.guacd, answer.protocol, settings, o.log, {
      onReady: openTunnel,
      onInstructions: (list) => {
        if (ended) return
        const out: Buffer[] = []
        for (const { opcode, args, raw } of list) {
          const verdict = filter.fromGuacd(opcode, args)
          if (verdict.answer) guacd?.sendInstruction(verdict.answer)
          if (verdict.forward) out.push(raw)
        }
        if (out.length) rawToBrowser(out)
      },
      // guacd closed first (session over, or its socket failed): an error only when guacd said nothing itself.
      onClose: (error) => end(error && { message: 'The connection to the server failed', status: '512' }),
    })
  }

  const parser = createBrowserParser(
    (opcode, args) => {
      if (ended) return
      // guacamole-common-js pings the tunnel and expects the same ping back (guacamole-client does this too).
      if (opcode === INTERNAL) return void (args[0] === 'ping' && toBrowser([INTERNAL, 'ping', args[1] ?? '']))
      if (opcode === 'disconnect') return end()
      if (prompt) {
        if (opcode === 'size') Object.assign(display, sizeOf(args))
        return prompt.handle(opcode, args)
      }
      if (!guacd) return
      const verdict = filter.fromBrowser(opcode, args)
      if (verdict.answer) toBrowser(verdict.answer)
      if (verdict.forward) guacd.sendToGuacd(toInstruction([opcode, ...args]))
    },
    (why) => {
      o.log.warn('browser sent garbage; connection closed', { kasm_id: answer.kasm_id, why })
      end({ message: 'Malformed instruction', status: '768' })
    },
  )

  browser.on('message', (data: Buffer) => parser.receive(data))
  browser.on('close', () => end())
  browser.on('error', () => end())

  if (answer.prompt.length) {
    openTunnel()
    prompt = startPrompt({
      names: answer.prompt,
      send: toBrowser,
      done: connectGuacd,
      fail: (message, status) => end({ message, status }),
      timeoutMs: o.promptTimeoutMs,
    })
  } else connectGuacd({})

  return {
    kasmId: answer.kasm_id,
    /** Ends the connection: `disconnect` to guacd, then the browser's socket. */
    close: (message?: string) => end(message ? { message, status: '521' } : undefined),
  }
}

/** A browser `size` during the prompt, for the handshake that follows. */
function sizeOf(args: string[]): Pick<Display, 'width' | 'height'> | undefined {
  const [w, h] = args.map(Number)
  if (!Number.isInteger(w) || !Number.isInteger(h) || w! < 1 || h! < 1 || w! > 8192 || h! > 8192) return undefined
  return { width: w!, height: h! }
}
