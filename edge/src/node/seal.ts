import { createCipheriv, randomFillSync } from 'node:crypto'
import type { Sealer } from '../services/secrets'

/**
 * AES-256-GCM through node:crypto, synchronously, for many secrets at once: ciphertext then tag,
 * exactly as WebCrypto writes it. The IVs are drawn and written in base64 in one go (12 bytes are
 * 16 base64 characters, so each IV's text is a slice of the whole).
 */
export const nodeSeal: Sealer = (key, aad, prefix, plains) => {
  const ivs = randomFillSync(Buffer.allocUnsafe(plains.length * 12))
  const ivText = ivs.toString('base64')
  return plains.map((plain, i) => {
    if (plain === null) return null
    const cipher = createCipheriv('aes-256-gcm', key, ivs.subarray(i * 12, i * 12 + 12))
    cipher.setAAD(aad)
    const head = cipher.update(plain, 'utf8')
    const tail = cipher.final()
    return `${prefix}${ivText.slice(i * 16, i * 16 + 16)}:${Buffer.concat([head, tail, cipher.getAuthTag()]).toString('base64')}`
  })
}
