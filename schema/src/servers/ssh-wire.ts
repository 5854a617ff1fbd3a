import { bytesToBigint } from './der'

/**
 * Reads the SSH wire encoding (RFC 4251 §5: uint32, length-prefixed string, mpint) used inside
 * openssh-key-v1 files. Reading past the end throws, which is how truncation shows up.
 */
export class SshReader {
  private pos = 0

  constructor(private readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos
  }

  take(length: number): Uint8Array {
    if (length > this.remaining) throw new Error('SSH: data runs past the end')
    const out = this.bytes.subarray(this.pos, this.pos + length)
    this.pos += length
    return out
  }

  u32(): number {
    const b = this.take(4)
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0
  }

  string(): Uint8Array {
    return this.take(this.u32())
  }

  /** A string that is a name (cipher, kdf, key type); names are ASCII, so Latin-1 decoding is exact. */
  text(): string {
    const b = this.string()
    if (b.length > 256) throw new Error('SSH: name too long')
    return String.fromCharCode(...b)
  }

  /** A non-negative mpint; RSA numbers are never negative, so a set top bit means damage. */
  mpint(): bigint {
    const b = this.string()
    if (b.length > 0 && (b[0]! & 0x80) !== 0) throw new Error('SSH: negative mpint')
    return bytesToBigint(b)
  }
}
