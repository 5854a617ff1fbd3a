import { sha256 } from '@noble/hashes/sha2.js'

/** Byte helpers that run the same on Workers and Node (no Buffer). */
export function bytesToBase64(bytes: Uint8Array): string {
  // One call per 32 KiB: far cheaper than a string per byte, and under engines' argument limits.
  // `apply` takes the typed array as it is; spreading it would walk an iterator.
  let s = ''
  for (let at = 0; at < bytes.length; at += 32_768)
    s += String.fromCharCode.apply(null, bytes.subarray(at, at + 32_768) as unknown as number[])
  return btoa(s)
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  try {
    return Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
  } catch {
    return new Uint8Array()
  }
}

export const bytesToHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/** Compares without an early exit, so the time taken does not reveal where two values differ. */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** SHA-256 in hex, synchronously: WebCrypto's async digest costs more in scheduling than in hashing for short input. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(text)))
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
/** Random text from [A-Za-z0-9] without modulo bias (rejection sampling). */
export function randomToken(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62]
    }
  }
  return out
}
