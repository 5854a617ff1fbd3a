// Just enough of the tar format (POSIX ustar + pax path records) for the Engine's archive endpoints,
// which only take and return tar streams: one file in (uploads), one file out (downloads).
const BLOCK = 512

/** A file name that stays inside its folder: one path segment, no NUL, within ext4's 255 bytes. */
export function assertPlainFileName(name: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\0]/.test(name) || Buffer.byteLength(name) > 255) {
    throw new Error(`"${name}" is not a plain file name`)
  }
}

/** A tar holding one regular file, owned by uid/gid (the Engine applies tar ownership on extract). */
export function tarOneFile(name: string, data: Buffer, owner: { uid: number; gid: number }, mtime = new Date()): Buffer {
  assertPlainFileName(name)
  const blocks: Buffer[] = []
  // ustar's name field holds 100 bytes of ASCII-safe text; longer or non-ASCII names go in a pax record.
  const ascii = /^[\x20-\x7e]*$/.test(name) && name.length <= 100
  if (!ascii) {
    const body = paxRecord('path', name)
    blocks.push(header({ name: 'PaxHeader', size: body.length, type: 'x', uid: 0, gid: 0, mtime }), pad(body))
  }
  blocks.push(header({ name: ascii ? name : 'file', size: data.length, type: '0', ...owner, mtime }), pad(data))
  blocks.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(blocks)
}

/**
 * The content of the first regular file in a tar. Anything else first (a directory, a symlink,
 * a device) is refused: a download must never follow a link the session planted.
 */
export function untarFirstFile(tar: Buffer): { name: string; data: Buffer } {
  let offset = 0
  let paxPath: string | undefined
  while (offset + BLOCK <= tar.length) {
    const h = tar.subarray(offset, offset + BLOCK)
    if (h.every((b) => b === 0)) break
    const size = parseOctal(h.subarray(124, 136))
    const type = String.fromCharCode(h[156] ?? 0)
    const bodyStart = offset + BLOCK
    const body = tar.subarray(bodyStart, bodyStart + size)
    if (body.length < size) throw new Error('tar stream ends inside an entry')
    offset = bodyStart + Math.ceil(size / BLOCK) * BLOCK
    if (type === 'x') paxPath = parsePax(body).path ?? paxPath
    else if (type === 'L')
      paxPath = cString(body) // GNU long name, the other way Go's archive/tar spells one
    else if (type === 'g') continue
    else if (type === '0' || type === '\0') {
      const prefix = cString(h.subarray(345, 500))
      const name = paxPath ?? (prefix ? `${prefix}/${cString(h.subarray(0, 100))}` : cString(h.subarray(0, 100)))
      return { name, data: Buffer.from(body) }
    } else throw new Error(`not a regular file (tar entry type ${JSON.stringify(type)})`)
  }
  throw new Error('tar stream holds no file')
}

function header(e: { name: string; size: number; type: string; uid: number; gid: number; mtime: Date }): Buffer {
  const h = Buffer.alloc(BLOCK)
  h.write(e.name, 0, 100, 'utf8')
  h.write(octal(0o644, 8), 100)
  h.write(octal(e.uid, 8), 108)
  h.write(octal(e.gid, 8), 116)
  h.write(octal(e.size, 12), 124)
  h.write(octal(Math.floor(e.mtime.getTime() / 1000), 12), 136)
  h.write(e.type, 156)
  h.write('ustar\0' + '00', 257)
  // The checksum is computed with its own field read as eight spaces.
  h.write(' '.repeat(8), 148)
  let sum = 0
  for (const b of h) sum += b
  h.write(octal(sum, 7) + ' ', 148)
  return h
}

/** Zero-padded octal, NUL-terminated, filling `width` bytes (sizes up to 8 GiB fit in 12). */
function octal(n: number, width: number): string {
  const s = n.toString(8)
  if (s.length > width - 1) throw new Error(`${n} does not fit a ${width}-byte tar field`)
  return s.padStart(width - 1, '0') + '\0'
}

function parseOctal(field: Buffer): number {
  // GNU base-256 encoding (first byte 0x80) for very large sizes: Docker uses pax instead, refuse it.
  if ((field[0] ?? 0) & 0x80) throw new Error('tar entry too large')
  const s = cString(field).trim()
  return s === '' ? 0 : parseInt(s, 8)
}

function cString(b: Buffer): string {
  const end = b.indexOf(0)
  return b.subarray(0, end === -1 ? b.length : end).toString('utf8')
}

/** A pax record "<len> key=value\n", where <len> counts the whole record including itself. */
function paxRecord(key: string, value: string): Buffer {
  const rest = ` ${key}=${value}\n`
  let len = Buffer.byteLength(rest) + 1
  while (String(len).length + Buffer.byteLength(rest) !== len) len = String(len).length + Buffer.byteLength(rest)
  return Buffer.from(`${len}${rest}`, 'utf8')
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let i = 0
  while (i < body.length) {
    const space = body.indexOf(0x20, i)
    if (space === -1) break
    const len = Number(body.subarray(i, space).toString('ascii'))
    if (!Number.isInteger(len) || len <= 0) break
    const record = body.subarray(space + 1, i + len - 1).toString('utf8')
    const eq = record.indexOf('=')
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1)
    i += len
  }
  return out
}

function pad(b: Buffer): Buffer {
  const rem = b.length % BLOCK
  return rem === 0 ? b : Buffer.concat([b, Buffer.alloc(BLOCK - rem)])
}
