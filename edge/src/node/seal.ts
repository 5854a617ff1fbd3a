import { createCipheriv } from 'node:crypto'
import type { Sealer } from '../services/secrets'

/** AES-256-GCM through node:crypto, synchronously: ciphertext then tag, exactly as WebCrypto writes it. */
export const nodeSeal: Sealer = (key, iv, aad, plain) => {
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad)
  const head = cipher.update(plain, 'utf8')
  const tail = cipher.final()
  return `${Buffer.from(iv.buffer, iv.byteOffset, iv.byteLength).toString('base64')}:${Buffer.concat([head, tail, cipher.getAuthTag()]).toString('base64')}`
}
