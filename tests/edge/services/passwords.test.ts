import { pbkdf2Async } from '@noble/hashes/pbkdf2.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { bytesToHex } from '../../../edge/src/services/auth/bytes'
import { hashPassword, PASSWORD_ITERATIONS, verifyPassword } from '../../../edge/src/services/auth/passwords'

// RFC 7914 §11, PBKDF2-HMAC-SHA256 test vectors: pins the fallback used on workerd to the standard.
describe('PBKDF2-HMAC-SHA256', () => {
  it('the JavaScript fallback matches RFC 7914 vectors and WebCrypto', async () => {
    const one = await pbkdf2Async(sha256, 'passwd', 'salt', { c: 1, dkLen: 64 })
    expect(bytesToHex(one)).toBe(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
    )
    const many = await pbkdf2Async(sha256, 'Password', 'NaCl', { c: 80000, dkLen: 64 })
    expect(bytesToHex(many)).toBe(
      '4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d',
    )
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('Password'), 'PBKDF2', false, ['deriveBits'])
    const web = await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode('NaCl'), iterations: 80000 },
      key,
      512,
    )
    expect(bytesToHex(new Uint8Array(web))).toBe(bytesToHex(many))
  })

  it('hashes with 600,000 iterations and a per-hash salt; verifies only the right password', async () => {
    const a = await hashPassword('s3cret-pass')
    const b = await hashPassword('s3cret-pass')
    expect(a).toMatch(new RegExp(`^pbkdf2-sha256\\$${PASSWORD_ITERATIONS}\\$`))
    expect(PASSWORD_ITERATIONS).toBeGreaterThanOrEqual(600_000)
    expect(a).not.toBe(b)
    expect(await verifyPassword('s3cret-pass', a)).toBe(true)
    expect(await verifyPassword('s3cret-pasS', a)).toBe(false)
  })

  it('never matches a malformed or absurd stored hash', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false)
    expect(await verifyPassword('x', 'pbkdf2-sha256$999999999$AAAA$AAAA')).toBe(false)
    expect(await verifyPassword('x', 'md5$1$AAAA$AAAA')).toBe(false)
  })
})
