import { cbc } from '@noble/ciphers/aes.js'
import { md5 } from '@noble/hashes/legacy.js'
import { corruptKey, requirePassphrase, unsupportedCipher, wrongPassphrase } from './key-problem'
import type { Pem } from './pem'
import { parsePkcs1, unwrapPkcs8, type DecodedKey, type RsaPrivateKey } from './rsa-key'

/** Key lengths of the OpenSSL legacy PEM ciphers we can undo; DES variants are refused as a format. */
const LEGACY_CIPHERS: Record<string, number> = { 'AES-128-CBC': 16, 'AES-192-CBC': 24, 'AES-256-CBC': 32 }

/** `-----BEGIN PRIVATE KEY-----`: unencrypted PKCS#8, which must hold an RSA key. */
export function decodePkcs8(pem: Pem): DecodedKey {
  const inner = unwrapPkcs8(pem.body)
  return { format: 'pkcs8', encrypted: false, key: parseOrCorrupt(inner) }
}

/** `-----BEGIN RSA PRIVATE KEY-----`: PKCS#1, plain or with OpenSSL's legacy `Proc-Type`/`DEK-Info` encryption. */
export function decodePkcs1(pem: Pem, passphrase: string | null): DecodedKey {
  const procType = pem.headers.get('proc-type')
  if (procType === undefined) return { format: 'pkcs1', encrypted: false, key: parseOrCorrupt(pem.body) }
  if (procType.replace(/\s/g, '') !== '4,ENCRYPTED') throw corruptKey()

  const [cipher = '', ivHex = ''] = (pem.headers.get('dek-info') ?? '').split(',').map((s) => s.trim())
  const keyLength = LEGACY_CIPHERS[cipher.toUpperCase()]
  if (keyLength === undefined) throw cipher ? unsupportedCipher(cipher) : corruptKey()
  if (!/^[0-9a-fA-F]{32}$/.test(ivHex) || pem.body.length % 16 !== 0) throw corruptKey()
  const iv = Uint8Array.from(ivHex.match(/../g)!, (h) => parseInt(h, 16))

  const key = evpBytesToKey(requirePassphrase(passphrase), iv.subarray(0, 8), keyLength)
  // Padding is undone by hand: a bad pad is one of the signs of a wrong passphrase, told apart below.
  const plain = cbc(key, iv, { disablePadding: true }).decrypt(pem.body)
  if (!startsLikePkcs1(plain)) throw wrongPassphrase()
  // The first block decrypted to the expected header, so the passphrase is right (a wrong one does
  // that about once in 2^39): from here on, a failure means the body itself is damaged.
  const pad = plain[plain.length - 1]!
  if (pad < 1 || pad > 16 || plain.subarray(plain.length - pad).some((b) => b !== pad)) throw corruptKey()
  return { format: 'pkcs1', encrypted: true, key: parseOrCorrupt(plain.subarray(0, plain.length - pad)) }
}

function parseOrCorrupt(der: Uint8Array): RsaPrivateKey {
  try {
    return parsePkcs1(der)
  } catch {
    throw corruptKey()
  }
}

/**
 * OpenSSL's EVP_BytesToKey with MD5 and one iteration, the legacy PEM key derivation:
 * D1 = MD5(pass ‖ salt), Di = MD5(Di−1 ‖ pass ‖ salt), key = D1 ‖ D2 ‖ … truncated.
 */
function evpBytesToKey(pass: Uint8Array, salt: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length)
  let block = new Uint8Array(0)
  for (let filled = 0; filled < length; filled += block.length) {
    const input = new Uint8Array(block.length + pass.length + salt.length)
    input.set(block)
    input.set(pass, block.length)
    input.set(salt, block.length + pass.length)
    block = md5(input)
    out.set(block.subarray(0, length - filled), filled)
  }
  return out
}

/**
 * Whether decrypted bytes open like a 2-prime RSAPrivateKey: SEQUENCE with a long-form length
 * (every key of 512 bits and up is longer than 127 bytes), then INTEGER 0 for the version.
 */
function startsLikePkcs1(b: Uint8Array): boolean {
  if (b[0] !== 0x30) return false
  const lengthBytes = (b[1] ?? 0) - 0x80
  if (lengthBytes < 1 || lengthBytes > 2) return false
  const v = 2 + lengthBytes
  return b[v] === 0x02 && b[v + 1] === 0x01 && b[v + 2] === 0x00
}
