import { corruptKey, formatProblem } from './key-problem'

/** One PEM block: its label, its RFC 1421 headers (only legacy encrypted PKCS#1 has any) and its bytes. */
export type Pem = { label: string; headers: Map<string, string>; body: Uint8Array }

/** Pasted keys are a few KiB (a 4096-bit RSA key is ~3.3 KiB); anything far larger is not a key. */
const MAX_PEM_CHARS = 64 * 1024
const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/
const BOUNDARY = /^-----(BEGIN|END) /
const SINGLE_BLOCK = 'Private key must be a single PEM block'
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Reads text that must be exactly one PEM block, with LF or CRLF line endings and any whitespace
 * around it or at line ends. Text that is not PEM at all is a format problem; a block whose body is
 * not clean base64 or whose END line is missing (a key shortened with "..." or cut off while
 * pasting) is corrupt.
 */
export function readPem(text: string): Pem {
  if (text.length > MAX_PEM_CHARS) throw formatProblem('Private key is too large')
  const lines = text
    .trim()
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
  const label = BEGIN.exec(lines[0] ?? '')?.[1]
  if (label === undefined) throw formatProblem()
  if (lines.filter((l) => l.startsWith('-----BEGIN ')).length > 1) throw formatProblem(SINGLE_BLOCK)
  const endAt = lines.indexOf(`-----END ${label}-----`)
  if (endAt === -1) throw corruptKey()
  if (endAt !== lines.length - 1) throw formatProblem(SINGLE_BLOCK)
  const inner = lines.slice(1, endAt)
  if (inner.some((l) => BOUNDARY.test(l))) throw corruptKey()

  const headers = new Map<string, string>()
  let bodyStart = 0
  if (inner[0]?.includes(':')) {
    const blank = inner.indexOf('')
    if (blank === -1) throw corruptKey()
    for (const line of inner.slice(0, blank)) {
      const colon = line.indexOf(':')
      if (colon === -1) throw corruptKey()
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
    }
    bodyStart = blank + 1
  }
  return { label, headers, body: decodeBase64(inner.slice(bodyStart).join('')) }
}

function decodeBase64(b64: string): Uint8Array {
  // atob is lenient about whitespace and missing padding; keys are neither, so check first.
  if (b64 === '' || b64.length % 4 !== 0 || !BASE64.test(b64)) throw corruptKey()
  const binary = atob(b64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
