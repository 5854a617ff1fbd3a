/**
 * The ways a fixed server's SSH private key can be refused, as a thrown value so the format
 * decoders can stop at the first problem; `checkSshPrivateKey` turns it into its result.
 * Messages are shown to admins in square brackets: short, no trailing period, and never
 * containing the key or the passphrase.
 */
export type SshKeyProblem = 'format' | 'size' | 'passphrase_required' | 'passphrase_wrong' | 'corrupt' | 'passphrase_unused'

export class KeyProblem extends Error {
  constructor(
    readonly problem: SshKeyProblem,
    message: string,
  ) {
    super(message)
    this.name = 'KeyProblem'
  }
}

export const FORMAT_MESSAGE = 'Key must be an OpenSSH or RSA PKCS#1/PKCS#8 PEM private key'

export const formatProblem = (message = FORMAT_MESSAGE) => new KeyProblem('format', message)
export const corruptKey = () => new KeyProblem('corrupt', 'Private key is truncated or corrupt')
export const wrongPassphrase = () => new KeyProblem('passphrase_wrong', 'Passphrase does not decrypt the private key')
export const notRsa = (kind: string) => new KeyProblem('format', `Private key must be RSA, not ${kind}`)
export const unsupportedCipher = (cipher: string) => new KeyProblem('format', `Private key encryption ${cipher} is not supported, use AES`)

/**
 * The passphrase bytes (UTF-8, as ssh-keygen and OpenSSL read them) for an encrypted key. An empty
 * string counts as none: a blank form field arrives that way, and ssh-keygen treats `-N ''` as
 * "do not encrypt".
 */
export function requirePassphrase(passphrase: string | null): Uint8Array {
  if (!passphrase) throw new KeyProblem('passphrase_required', 'Private key is encrypted and needs a passphrase')
  return new TextEncoder().encode(passphrase)
}
