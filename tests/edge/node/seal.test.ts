import { describe, expect, it } from 'vitest'
import { nodeSeal } from '../../../edge/src/node/seal'
import { decryptSecret, encryptSecret, encryptSecrets, parseKeyRing } from '../../../edge/src/services/secrets'
import { TEST_SECRETS_KEY } from '../../support/constants'

// Node's synchronous AES-GCM must write exactly what WebCrypto writes: either side opens the other's blobs.
describe('secrets at rest with node:crypto', () => {
  const webcrypto = parseKeyRing(TEST_SECRETS_KEY)
  const node = parseKeyRing(TEST_SECRETS_KEY, nodeSeal)

  it('seals blobs that WebCrypto opens, and opens blobs WebCrypto sealed', async () => {
    const plains = ['pw-1', null, 'pässwörd ✓', '', 'x'.repeat(5000)]
    const sealed = await encryptSecrets(node, plains)
    expect(sealed[1]).toBeNull()
    for (const [i, blob] of sealed.entries()) {
      if (blob === null) continue
      expect(blob).toMatch(/^v1:[^:]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/)
      expect(await decryptSecret(webcrypto, blob)).toBe(plains[i])
    }
    expect(await decryptSecret(node, await encryptSecret(webcrypto, 'the other way'))).toBe('the other way')
  })

  it('uses a fresh IV for every secret, and a tampered blob fails', async () => {
    const [a, b] = await encryptSecrets(node, ['same', 'same'])
    expect(a).not.toBe(b)
    const parts = a!.split(':')
    const data = Buffer.from(parts[3]!, 'base64')
    data[0] = data[0]! ^ 1
    await expect(decryptSecret(webcrypto, [...parts.slice(0, 3), data.toString('base64')].join(':'))).rejects.toThrow()
  })
})
