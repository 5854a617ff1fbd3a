/**
 * Who the client is when the edge on Node sits behind reverse proxies the admin names
 * (`ORIEL_TRUSTED_PROXIES`). Pure functions: IP and CIDR parsing, matching, and the usual
 * X-Forwarded-For walk. Addresses are held as 16 bytes, IPv4 as IPv4-mapped IPv6
 * (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2), so `127.0.0.1` and a dual-stack socket's
 * `::ffff:127.0.0.1` are one address and one rule matches both.
 */

/** An address or range the admin trusts to report the client's address and scheme. */
export type IpRange = { bytes: Uint8Array; prefix: number }
export type TrustedProxies = readonly IpRange[]

const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  // Leading zeros are refused: some parsers read them as octal, so `010.0.0.1` is ambiguous.
  if (!parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined
  return parts.map(Number)
}

/** The 16-bit words of one side of an IPv6 `::`; the last may be a dotted IPv4 (two words). */
function ipv6Words(part: string, mayEndInV4: boolean): number[] | undefined {
  if (part === '') return []
  const groups = part.split(':')
  const words: number[] = []
  for (const [i, g] of groups.entries()) {
    const v4 = mayEndInV4 && i === groups.length - 1 ? parseIpv4(g) : undefined
    if (v4) words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!)
    else if (/^[0-9a-f]{1,4}$/i.test(g)) words.push(parseInt(g, 16))
    else return undefined
  }
  return words
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const compressed = halves.length === 2
  const head = ipv6Words(halves[0]!, !compressed)
  const tail = compressed ? ipv6Words(halves[1]!, true) : []
  if (!head || !tail) return undefined
  const missing = 8 - head.length - tail.length
  if (compressed ? missing < 1 : missing !== 0) return undefined
  const words = [...head, ...Array<number>(missing).fill(0), ...tail]
  return new Uint8Array(words.flatMap((w) => [w >> 8, w & 0xff]))
}

/** Parses an IPv4 or IPv6 address (an IPv6 zone, `%eth0`, is dropped); undefined when it is not one. */
export function parseIp(text: string): Uint8Array | undefined {
  const v4 = parseIpv4(text)
  if (v4) return new Uint8Array([...V4_MAPPED_PREFIX, ...v4])
  if (!text.includes(':') || text.length > 64) return undefined
  return parseIpv6(text.replace(/%[\w.-]+$/, ''))
}

const isV4Mapped = (b: Uint8Array) => V4_MAPPED_PREFIX.every((x, i) => b[i] === x)

/** Dotted quad for IPv4 (mapped or not), else RFC 5952 text: lowercase, longest zero run as `::`. */
export function formatIp(b: Uint8Array): string {
  if (isV4Mapped(b)) return [...b.slice(12)].join('.')
  const words = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!)
  let best = { at: -1, len: 1 }
  for (let i = 0; i < 8; i++) {
    let len = 0
    while (i + len < 8 && words[i + len] === 0) len++
    if (len > best.len) best = { at: i, len }
  }
  const hex = words.map((w) => w.toString(16))
  if (best.at < 0) return hex.join(':')
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`
}

/** An address in the canonical text used as the client's address (and so in throttle keys). */
export const canonicalIp = (text: string): string | undefined => {
  const b = parseIp(text)
  return b && formatIp(b)
}

/** `10.0.0.0/8`, `fd00::/8`, or a single address (a /32 or /128). Host bits past the prefix are ignored. */
export function parseRange(text: string): IpRange | undefined {
  const [addr = '', len, ...rest] = text.split('/')
  const bytes = parseIp(addr)
  if (!bytes || rest.length > 0) return undefined
  const v4 = parseIpv4(addr) !== undefined
  const max = v4 ? 32 : 128
  if (len !== undefined && !/^(0|[1-9]\d{0,2})$/.test(len)) return undefined
  const given = len === undefined ? max : Number(len)
  if (given > max) return undefined
  return { bytes, prefix: v4 ? given + 96 : given }
}

/**
 * Parses the admin's list: comma-separated addresses and CIDR ranges, IPv4 and IPv6; empty means none.
 * Throws naming the first entry that is neither, so a typo stops the start instead of trusting nothing.
 */
export function parseTrustedProxies(list: string): TrustedProxies {
  return list
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')
    .map((entry) => {
      const range = parseRange(entry)
      if (!range) throw new Error(`ORIEL_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range (like 10.0.0.0/8 or fd00::/8)`)
      return range
    })
}

export function inRange(r: IpRange, b: Uint8Array): boolean {
  for (let bit = 0; bit < r.prefix; bit += 8) {
    const mask = (0xff << (8 - Math.min(8, r.prefix - bit))) & 0xff
    if ((r.bytes[bit / 8]! & mask) !== (b[bit / 8]! & mask)) return false
  }
  return true
}

export const isTrusted = (trusted: TrustedProxies, b: Uint8Array) => trusted.some((r) => inRange(r, b))

/** One X-Forwarded-For entry: an address, perhaps with a port (`1.2.3.4:5678`, `[2001:db8::1]:443`). */
export function parseForwardedEntry(entry: string): Uint8Array | undefined {
  const e = entry.trim()
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(e)
  if (bracketed) return parseIp(bracketed[1]!)
  const v4WithPort = /^([\d.]+):\d{1,5}$/.exec(e)
  return parseIp(v4WithPort ? v4WithPort[1]! : e)
}

/** What one request says about its client; the header values are as received, or undefined. */
export type RequestOrigin = {
  peer: string | undefined
  forwardedFor: string | undefined
  forwardedProto: string | undefined
  urlIsHttps: boolean
}

/**
 * The client's address and whether it reached us over https. Only when the socket's peer is trusted
 * are the headers read: X-Forwarded-For from the right, skipping trusted proxies, up to the first
 * address that is not one (the left-most if all are); an entry that is no address ends the walk at
 * the last trusted hop, since nothing left of it can be believed. X-Forwarded-Proto's right-most
 * value, set by the proxy next to us, says the scheme. From anyone else both headers mean nothing.
 */
export function resolveClient(o: RequestOrigin, trusted: TrustedProxies): { address: string; https: boolean } {
  const peer = o.peer === undefined ? undefined : parseIp(o.peer)
  if (!peer) return { address: o.peer ?? 'unknown', https: o.urlIsHttps }
  if (!isTrusted(trusted, peer)) return { address: formatIp(peer), https: o.urlIsHttps }
  let client = peer
  const hops = (o.forwardedFor ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '')
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseForwardedEntry(hops[i]!)
    if (!hop) break
    client = hop
    if (!isTrusted(trusted, hop)) break
  }
  const proto = o.forwardedProto?.split(',').at(-1)?.trim().toLowerCase()
  return { address: formatIp(client), https: proto === 'https' ? true : proto === 'http' ? false : o.urlIsHttps }
}
