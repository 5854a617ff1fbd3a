// The relay's pure parts, without guacd: the DLP filter's decisions per direction and flag, the
// browser parser's handling of garbage, and the PROMPT_USER phase.
import { describe, expect, it, vi } from 'vitest'
import type { DlpFlags } from '#schema'
import { createDlpFilter } from '../../conn-proxy/src/index'
import { createBrowserParser, MAX_PENDING_CHARS } from '../../conn-proxy/src/relay/browser-parser'
import { startPrompt } from '../../conn-proxy/src/relay/prompt'

const ALL: DlpFlags = { clipboard_up: true, clipboard_down: true, uploads: true, downloads: true, printing: true }
const NONE: DlpFlags = { clipboard_up: false, clipboard_down: false, uploads: false, downloads: false, printing: false }
const refusedAck = (stream: string) => ({ forward: false, answer: ['ack', stream, 'Forbidden by policy', '771'] })

describe('the DLP filter, browser → guacd', () => {
  it('passes input and allowed streams; drops handshake and unknown opcodes', () => {
    const f = createDlpFilter({ dlp: ALL, viewOnly: false })
    for (const [op, args] of [
      ['key', ['65', '1']],
      ['mouse', ['1', '2', '0']],
      ['sync', ['1']],
      ['clipboard', ['1', 'text/plain']],
      ['blob', ['1', 'eA==']],
      ['end', ['1']],
      ['pipe', ['2', 'text/plain', 'STDIN']],
      ['file', ['3', 'text/plain', 'a.txt']],
      ['put', ['0', '4', 'text/plain', '/a.txt']],
      ['get', ['0', '/']],
    ] as const)
      expect(f.fromBrowser(op, [...args])).toEqual({ forward: true })
    for (const op of ['select', 'connect', 'size-x', 'nest', 'required', '']) expect(f.fromBrowser(op, ['1'])).toEqual({ forward: false })
  })

  it('refuses streams the flags forbid with ack 771, and drops their blobs and end', () => {
    const f = createDlpFilter({ dlp: NONE, viewOnly: false })
    expect(f.fromBrowser('clipboard', ['5', 'text/plain'])).toEqual(refusedAck('5'))
    expect(f.fromBrowser('blob', ['5', 'eA=='])).toEqual({ forward: false })
    expect(f.fromBrowser('end', ['5'])).toEqual({ forward: false })
    // The index is free again: a stream that is allowed may reuse it.
    expect(f.fromBrowser('blob', ['5', 'eA=='])).toEqual({ forward: true })
    expect(f.fromBrowser('pipe', ['6', 'text/plain', 'STDIN'])).toEqual(refusedAck('6'))
    expect(f.fromBrowser('file', ['7', 'text/plain', 'a'])).toEqual(refusedAck('7'))
    expect(f.fromBrowser('put', ['0', '8', 'text/plain', '/a'])).toEqual(refusedAck('8'))
    expect(f.fromBrowser('get', ['0', '/'])).toEqual({ forward: false })
  })

  it('never accepts argv (after the prompt phase) or audio (no microphone), whatever the flags', () => {
    const f = createDlpFilter({ dlp: ALL, viewOnly: false })
    expect(f.fromBrowser('argv', ['1', 'text/plain', 'password'])).toEqual(refusedAck('1'))
    expect(f.fromBrowser('audio', ['2', 'audio/L16'])).toEqual(refusedAck('2'))
  })

  it('drops a viewer’s input and refuses its streams', () => {
    const f = createDlpFilter({ dlp: ALL, viewOnly: true })
    for (const op of ['key', 'mouse', 'touch']) expect(f.fromBrowser(op, ['1', '1'])).toEqual({ forward: false })
    expect(f.fromBrowser('clipboard', ['1', 'text/plain'])).toEqual(refusedAck('1'))
    expect(f.fromBrowser('pipe', ['2', 'text/plain', 'STDIN'])).toEqual(refusedAck('2'))
    expect(f.fromBrowser('sync', ['1'])).toEqual({ forward: true })
  })

  it('drops stream openers whose index is not a number', () => {
    const f = createDlpFilter({ dlp: ALL, viewOnly: false })
    expect(f.fromBrowser('clipboard', ['x', 'text/plain'])).toEqual({ forward: false })
    expect(f.fromBrowser('clipboard', [])).toEqual({ forward: false })
  })
})

describe('the DLP filter, guacd → browser', () => {
  it('passes drawing, images and the allow-listed instructions; drops unknown ones and nest', () => {
    const f = createDlpFilter({ dlp: NONE, viewOnly: false })
    for (const op of ['img', 'rect', 'cfill', 'sync', 'error', 'name', 'size', 'argv'])
      expect(f.fromGuacd(op, ['1', '2', '3'])).toEqual({ forward: true })
    for (const op of ['h264', 'nest', 'required', 'ready', 'select']) expect(f.fromGuacd(op, ['1'])).toEqual({ forward: false })
  })

  it('drops clipboard, pipe, file and body streams the flags forbid, acking guacd with 771', () => {
    const f = createDlpFilter({ dlp: NONE, viewOnly: false })
    expect(f.fromGuacd('clipboard', ['3', 'text/plain'])).toEqual(refusedAck('3'))
    expect(f.fromGuacd('blob', ['3', 'c2VjcmV0'])).toEqual({ forward: false })
    expect(f.fromGuacd('end', ['3'])).toEqual({ forward: false })
    expect(f.fromGuacd('pipe', ['4', 'text/plain', 'x'])).toEqual(refusedAck('4'))
    expect(f.fromGuacd('file', ['5', 'text/plain', 'a.txt'])).toEqual(refusedAck('5'))
    expect(f.fromGuacd('body', ['0', '6', 'text/plain', '/a'])).toEqual(refusedAck('6'))
    expect(f.fromGuacd('filesystem', ['0', 'Drive'])).toEqual({ forward: false })
    // The browser's acks of dropped streams are not passed on.
    expect(f.fromBrowser('ack', ['4', 'OK', '0'])).toEqual({ forward: false })
    // An image stream is never dropped, and its index is its own again.
    expect(f.fromGuacd('img', ['3', '14', '0', 'image/png', '0', '0'])).toEqual({ forward: true })
    expect(f.fromGuacd('blob', ['3', 'iVBO'])).toEqual({ forward: true })
  })

  it('lets printed PDFs through with printing alone, but no other file', () => {
    const f = createDlpFilter({ dlp: { ...NONE, printing: true }, viewOnly: false })
    expect(f.fromGuacd('file', ['1', 'application/pdf', 'doc.pdf'])).toEqual({ forward: true })
    expect(f.fromGuacd('file', ['2', 'text/plain', 'doc.txt'])).toEqual(refusedAck('2'))
  })

  it('passes directory listings for uploads but no file contents without downloads', () => {
    const f = createDlpFilter({ dlp: { ...NONE, uploads: true }, viewOnly: false })
    expect(f.fromGuacd('filesystem', ['0', 'Drive'])).toEqual({ forward: true })
    expect(f.fromGuacd('body', ['0', '1', 'application/vnd.glyptodon.guacamole.stream-index+json', '/'])).toEqual({ forward: true })
    expect(f.fromGuacd('body', ['0', '2', 'application/octet-stream', '/secret'])).toEqual(refusedAck('2'))
  })
})

describe('the browser parser', () => {
  const run = (...chunks: (string | Buffer)[]) => {
    const got: string[][] = []
    const garbage: string[] = []
    const p = createBrowserParser(
      (op, args) => got.push([op, ...args]),
      (why) => garbage.push(why),
    )
    for (const c of chunks) p.receive(c)
    return { got, garbage }
  }

  it('counts lengths in code points and decodes UTF-8 split across messages', () => {
    const bytes = Buffer.from('9.clipboard,4.é😀a€;')
    expect(run(bytes.subarray(0, 14), bytes.subarray(14, 17), bytes.subarray(17)).got).toEqual([['clipboard', 'é😀a€']])
  })

  it('reports a bad terminator once and nothing after it', () => {
    const r = run('3.key,1.a;', '3.keyX', '3.key,1.b;')
    expect(r.got).toEqual([['key', 'a']])
    expect(r.garbage).toHaveLength(1)
  })

  it('reports an instruction that never ends (a lying length) once it grows too long', () => {
    const r = run('-5.abc', 'x'.repeat(MAX_PENDING_CHARS))
    expect(r.garbage).toEqual(['unterminated instruction'])
    expect(run('99999999.abc', 'x'.repeat(MAX_PENDING_CHARS)).garbage).toEqual(['unterminated instruction'])
  })
})

describe('the PROMPT_USER phase', () => {
  it('asks with `required`, takes only the asked names, and hands over the decoded answers', () => {
    const sent: string[][] = []
    const done = vi.fn()
    const p = startPrompt({ names: ['username', 'password'], send: (e) => sent.push(e), done, fail: () => {} })
    expect(sent[0]).toEqual(['required', 'username', 'password'])
    p.handle('argv', ['1', 'text/plain', 'hostname'])
    expect(sent.at(-1)).toEqual(['ack', '1', 'Not asked', '771'])
    p.handle('argv', ['2', 'text/plain', 'username'])
    p.handle('blob', ['2', Buffer.from('jürgen').toString('base64')])
    p.handle('end', ['2'])
    p.handle('argv', ['3', 'text/plain', 'password'])
    const pw = Buffer.from('Pässwörd😀')
    p.handle('blob', ['3', pw.subarray(0, 2).toString('base64')])
    p.handle('blob', ['3', pw.subarray(2).toString('base64')])
    expect(done).not.toHaveBeenCalled()
    p.handle('end', ['3'])
    expect(done).toHaveBeenCalledWith({ username: 'jürgen', password: 'Pässwörd😀' })
  })

  it('fails after its timeout', async () => {
    const fail = vi.fn()
    startPrompt({ names: ['password'], send: () => {}, done: () => {}, fail, timeoutMs: 20 })
    await vi.waitFor(() => expect(fail).toHaveBeenCalledWith('No answer to the login prompt', '776'))
  })
})
