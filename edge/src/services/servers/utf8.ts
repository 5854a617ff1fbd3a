import { ApiError } from '../../errors'

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const notUtf8 = (line: number) => ApiError.invalid(`The file is not valid UTF-8: invalid bytes on line ${line}`, 'csv')

/** A raw CSV body: refused, naming the line, unless it is well-formed UTF-8 (Kasm's docs: Servers, CSV Formatting). */
export function decodeCsvBytes(bytes: Uint8Array): string {
  let text: string
  try {
    text = strict.decode(bytes)
  } catch {
    const offset = firstInvalidByte(bytes)
    let line = 1
    for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++
    throw notUtf8(line)
  }
  // Well-formed UTF-8, but Postgres stores no NUL in text.
  const nul = text.indexOf('\u0000')
  if (nul >= 0) throw ApiError.invalid(`The file contains a NUL character on line ${lineAt(text, nul)}`, 'csv')
  return text
}

/** The 1-based line of a character offset. */
function lineAt(text: string, at: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++
  return line
}

/**
 * A CSV that came inside a JSON body was decoded by the runtime, which turns bytes that are not
 * UTF-8 into U+FFFD; a server list has no use for that character, so it marks the bad line.
 */
export function refuseReplacementChars(text: string): void {
  const at = text.indexOf('\uFFFD')
  if (at >= 0) throw notUtf8(lineAt(text, at))
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0
    if (len === 0 || i + len > bytes.length) return i
    for (let k = 1; k < len; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i
    const b1 = bytes[i + 1]!
    // Overlong, surrogate and out-of-range forms, which TextDecoder also refuses.
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i
    i += len
  }
  return bytes.length
}
