import { pbkdf2Async } from '@noble/hashes/pbkdf2.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToBase64, base64ToBytes, timingSafeEqual } from './bytes'

/** OWASP's figure for PBKDF2-HMAC-SHA256 (2023). */
export const PASSWORD_ITERATIONS = 600_000
/** Stored hashes asking for more are refused, so a planted row cannot make verification hang. */
const MAX_ITERATIONS = 5_000_000
const SALT_BYTES = 16
const KEY_BITS = 256

/** Hashes a password as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64). */
export async function hashPassword(password: string, iterations = PASSWORD_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES))
  const hash = await pbkdf2(password, salt, iterations)
  return `pbkdf2-sha256$${iterations}$${bytesToBase64(salt)}$${bytesToBase64(hash)}`
}

/** Checks a password against a stored hash in constant time; malformed hashes never match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, saltB64, hashB64] = stored.split('$')
  const iterations = Number(iter)
  if (scheme !== 'pbkdf2-sha256' || !Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) return false
  if (!saltB64 || !hashB64) return false
  const expected = base64ToBytes(hashB64)
  const actual = await pbkdf2(password, base64ToBytes(saltB64), iterations)
  return timingSafeEqual(actual, expected)
}

/** A hash of a random password, verified against when the account does not exist so timing tells nothing. */
let decoyHash: Promise<string> | undefined
export const decoyPasswordHash = () => (decoyHash ??= hashPassword(crypto.randomUUID()))

/**
 * Whether this runtime's WebCrypto accepts our iteration count. Workers have capped PBKDF2 at
 * 100,000 iterations (cloudflare/workerd#1346; the local workerd here accepts more, production may
 * not), so where it refuses, the same standard PBKDF2 runs in JavaScript
 * (@noble/hashes): same bytes, so one stored hash verifies on Workers and Node alike. Cached per
 * isolate: it describes the runtime, not a request.
 */
let webCryptoRefuses: boolean | undefined

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const secret = new TextEncoder().encode(password)
  if (webCryptoRefuses !== true) {
    try {
      const key = await crypto.subtle.importKey('raw', secret, 'PBKDF2', false, ['deriveBits'])
      const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, KEY_BITS)
      webCryptoRefuses = false
      return new Uint8Array(bits)
    } catch (err) {
      if (webCryptoRefuses === false) throw err
      webCryptoRefuses = true
    }
  }
  return pbkdf2Async(sha256, secret, salt, { c: iterations, dkLen: KEY_BITS / 8, asyncTick: 50 })
}
