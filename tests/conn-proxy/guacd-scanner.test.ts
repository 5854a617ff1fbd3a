// The relay's guacd→browser scanner on its own: what guacd sends, cut anywhere, comes out as the same
// instructions with the same bytes; lengths count code points (guacamole.md §1.1); garbage throws.
import { describe, expect, it } from 'vitest'
import { createGuacdScanner, GuacdScanError } from '../../conn-proxy/src/relay/guacd-scanner'
import { toInstruction } from '../../conn-proxy/src/relay/guacamole-lite'

const wire = [
  ['sync', '12345'],
  ['img', '1', '14', '0', 'image/png', '0', '0'],
  ['blob', '1', 'iVBORw0KGgoAAAANSUhEUgAA'.repeat(300)],
  ['end', '1'],
  // Non-ASCII: two-byte, three-byte and four-byte (a surrogate pair in JS) characters.
  ['name', 'Grüße – 日本 😀 ok'],
  ['clipboard', '2', 'text/plain'],
  ['blob', '2', 'w6k='],
  ['nop'],
]
const bytes = Buffer.from(wire.map((i) => toInstruction(i)).join(''), 'utf8')
const expected = wire.map(([op, ...args]) => ({ opcode: op, args: op === 'blob' ? args.slice(0, 1) : args }))

function scanInChunks(cut: number[]) {
  const s = createGuacdScanner()
  const got: { opcode: string; args: string[] }[] = []
  const raw: Buffer[] = []
  let at = 0
  for (const end of [...cut, bytes.length]) {
    for (const i of s.push(bytes.subarray(at, end))) {
      got.push({ opcode: i.opcode, args: i.args })
      raw.push(i.raw)
    }
    at = end
  }
  return { got, raw: Buffer.concat(raw) }
}

describe("the relay's guacd scanner", () => {
  it('reads whole instructions in one chunk and keeps their bytes', () => {
    const { got, raw } = scanInChunks([])
    expect(got).toEqual(expected)
    expect(raw.equals(bytes)).toBe(true)
  })

  it('gives the same instructions however the stream is cut, inside UTF-8 characters included', () => {
    const emoji = bytes.indexOf(Buffer.from('😀'))
    for (const cut of [[1], [emoji + 1], [emoji + 2, emoji + 3], [5, 100, 3000, 7000], Array.from({ length: 60 }, (_, i) => i * 131)]) {
      const { got, raw } = scanInChunks(cut)
      expect(got).toEqual(expected)
      expect(raw.equals(bytes)).toBe(true)
    }
  })

  it('waits for an incomplete instruction and yields nothing early', () => {
    const s = createGuacdScanner()
    expect(s.push(Buffer.from('4.sync,5.1234'))).toEqual([])
    expect(s.push(Buffer.from('5;')).map((i) => [i.opcode, i.args])).toEqual([['sync', ['12345']]])
  })

  it('throws on garbage: a bad length, a bad terminator, a length past 9 digits', () => {
    for (const garbage of ['x.sync;', '4.sync!', '4.syncX', '.sync;', '9999999999.a;']) {
      expect(() => createGuacdScanner().push(Buffer.from(garbage)), garbage).toThrow(GuacdScanError)
    }
  })
})
