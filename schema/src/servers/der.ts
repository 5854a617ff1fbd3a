/**
 * The little DER that RSA private keys need: reading SEQUENCE / INTEGER / OID / OCTET STRING and
 * writing SEQUENCE / INTEGER / OCTET STRING. Only single-byte tags and definite lengths (DER never
 * uses anything else), so a malformed or truncated input fails here instead of being guessed at.
 * Every reader throws a plain Error; callers decide what a failure means (corrupt vs wrong passphrase).
 */
export type DerNode = { tag: number; value: Uint8Array }

export const TAG = { INTEGER: 0x02, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const

/** One TLV at `pos`; returns it and where the next one starts. */
function readTlv(bytes: Uint8Array, pos: number): { node: DerNode; end: number } {
  const tag = bytes[pos]
  const first = bytes[pos + 1]
  if (tag === undefined || first === undefined) throw new Error('DER: truncated header')
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not used by keys')
  let length = first
  let start = pos + 2
  if (first >= 0x80) {
    const count = first & 0x7f
    // 0x80 is BER's indefinite length; more than 4 length bytes cannot fit in a key file anyway.
    if (count === 0 || count > 4) throw new Error('DER: bad length')
    length = 0
    for (let i = 0; i < count; i++) {
      const b = bytes[start + i]
      if (b === undefined) throw new Error('DER: truncated length')
      length = length * 256 + b
    }
    start += count
  }
  const end = start + length
  if (end > bytes.length) throw new Error('DER: value runs past the end')
  return { node: { tag, value: bytes.subarray(start, end) }, end }
}

/** Exactly one TLV filling all of `bytes` (trailing data means the input is not what it claims). */
export function readDer(bytes: Uint8Array): DerNode {
  const { node, end } = readTlv(bytes, 0)
  if (end !== bytes.length) throw new Error('DER: trailing data')
  return node
}

/** The elements of a SEQUENCE, which must fill its value exactly. */
export function readSequence(node: DerNode): DerNode[] {
  if (node.tag !== TAG.SEQUENCE) throw new Error('DER: expected SEQUENCE')
  const items: DerNode[] = []
  for (let pos = 0; pos < node.value.length;) {
    const next = readTlv(node.value, pos)
    items.push(next.node)
    pos = next.end
  }
  return items
}

/** A non-negative INTEGER (every RSA field is one); negative or empty encodings are refused. */
export function readUnsigned(node: DerNode | undefined): bigint {
  if (!node || node.tag !== TAG.INTEGER || node.value.length === 0) throw new Error('DER: expected INTEGER')
  if ((node.value[0]! & 0x80) !== 0) throw new Error('DER: negative INTEGER')
  return bytesToBigint(node.value)
}

/** Dotted form of an OBJECT IDENTIFIER. */
export function readOid(node: DerNode | undefined): string {
  if (!node || node.tag !== TAG.OID || node.value.length === 0) throw new Error('DER: expected OID')
  const parts: number[] = []
  let acc = 0
  for (const b of node.value) {
    acc = acc * 128 + (b & 0x7f)
    if ((b & 0x80) === 0) {
      parts.push(acc)
      acc = 0
    }
  }
  const [head = 0, ...rest] = parts
  const first = head < 80 ? Math.floor(head / 40) : 2
  return [first, head - first * 40, ...rest].join('.')
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  let hex = ''
  for (const b of bytes) hex += b.toString(16).padStart(2, '0')
  return hex === '' ? 0n : BigInt('0x' + hex)
}

export function encodeTlv(tag: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const length = parts.reduce((sum, p) => sum + p.length, 0)
  const lengthBytes: number[] = []
  if (length < 0x80) lengthBytes.push(length)
  else {
    for (let l = length; l > 0; l = Math.floor(l / 256)) lengthBytes.unshift(l % 256)
    lengthBytes.unshift(0x80 | lengthBytes.length)
  }
  const out = new Uint8Array(1 + lengthBytes.length + length)
  out[0] = tag
  out.set(lengthBytes, 1)
  let pos = 1 + lengthBytes.length
  for (const p of parts) {
    out.set(p, pos)
    pos += p.length
  }
  return out
}

/** Minimal two's-complement encoding of a non-negative integer (a 0x00 is prepended when the top bit is set). */
export function encodeUnsigned(n: bigint): Uint8Array<ArrayBuffer> {
  let hex = n.toString(16)
  if (hex.length % 2) hex = '0' + hex
  if (parseInt(hex.slice(0, 2), 16) >= 0x80) hex = '00' + hex
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return encodeTlv(TAG.INTEGER, bytes)
}
