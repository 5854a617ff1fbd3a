import { describe, expect, it } from 'vitest'
import {
  canonicalIp,
  parseForwardedEntry,
  parseIp,
  parseRange,
  parseTrustedProxies,
  resolveClient,
  type TrustedProxies,
} from '../../../edge/src/node/trusted-proxies'

describe('IP addresses', () => {
  it('reads IPv4 and IPv6 and writes them canonically (RFC 5952), IPv4-mapped as IPv4', () => {
    const canonical: [string, string][] = [
      ['203.0.113.7', '203.0.113.7'],
      ['::ffff:127.0.0.1', '127.0.0.1'],
      ['::FFFF:7f00:1', '127.0.0.1'],
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8::', '2001:db8::'],
      ['::', '::'],
      ['::1', '::1'],
      ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
      ['1:0:3:4:5:6:7:8', '1:0:3:4:5:6:7:8'],
      ['fe80::1%eth0', 'fe80::1'],
      ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ]
    for (const [ip, written] of canonical) expect(canonicalIp(ip), ip).toBe(written)
  })

  it('refuses what is not an address', () => {
    const bad = [
      '',
      'unknown',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.-4',
      ' 1.2.3.4',
      '1::2::3',
      ':1::',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7:8::',
      '12345::',
      'g::1',
      '::1.2.3.4:5',
      '1.2.3.4::',
      'x'.repeat(100_000),
      '::ffff:1.2.3.256',
      '[::1]',
    ]
    for (const b of bad) expect(parseIp(b), b.slice(0, 20)).toBeUndefined()
  })

  it('reads X-Forwarded-For entries with ports', () => {
    expect(canonicalIp('198.51.100.2')).toBe('198.51.100.2')
    expect(parseForwardedEntry('198.51.100.2:61000')).toEqual(parseIp('198.51.100.2'))
    expect(parseForwardedEntry('[2001:db8::2]:443')).toEqual(parseIp('2001:db8::2'))
    expect(parseForwardedEntry('[2001:db8::2]')).toEqual(parseIp('2001:db8::2'))
    expect(parseForwardedEntry('2001:db8::2')).toEqual(parseIp('2001:db8::2'))
    expect(parseForwardedEntry('unknown')).toBeUndefined()
    expect(parseForwardedEntry('_hidden')).toBeUndefined()
  })
})

describe('ORIEL_TRUSTED_PROXIES', () => {
  it('takes addresses and CIDR ranges, IPv4 and IPv6, and nothing for an empty list', () => {
    expect(parseTrustedProxies('')).toEqual([])
    expect(parseTrustedProxies(' , ')).toEqual([])
    expect(parseTrustedProxies('127.0.0.1, 10.0.0.0/8,::1 ,fd00::/8,').map((r) => r.prefix)).toEqual([128, 104, 128, 8])
    expect(parseRange('10.1.2.3/8')?.prefix).toBe(104)
    expect(parseRange('0.0.0.0/0')?.prefix).toBe(96)
  })

  it('stops on a bad entry, naming it', () => {
    for (const bad of [
      '10.0.0.0/33',
      'fd00::/129',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      '10.0.0.0/08',
      'proxy.example.com',
      '10.0.0.300',
      'localhost',
    ]) {
      expect(() => parseTrustedProxies(`127.0.0.1,${bad}`), bad).toThrow(
        `ORIEL_TRUSTED_PROXIES: "${bad}" is not an IP address or CIDR range`,
      )
    }
  })
})

describe('the client behind trusted proxies', () => {
  const trusted: TrustedProxies = parseTrustedProxies('127.0.0.1, 10.0.0.0/8, fd00::/8')
  const origin = (peer: string | undefined, forwardedFor?: string, forwardedProto?: string, urlIsHttps = false) =>
    resolveClient({ peer, forwardedFor, forwardedProto, urlIsHttps }, trusted)

  it('ignores both headers from an untrusted peer', () => {
    expect(origin('203.0.113.9', '198.51.100.1', 'https')).toEqual({ address: '203.0.113.9', https: false })
    expect(origin('::ffff:203.0.113.9', '198.51.100.1', 'https', true)).toEqual({ address: '203.0.113.9', https: true })
    expect(origin('11.0.0.1', '198.51.100.1')).toEqual({ address: '11.0.0.1', https: false })
  })

  it('takes the right-most address that is not a trusted proxy, from a trusted peer (IPv4-mapped too)', () => {
    expect(origin('127.0.0.1', '198.51.100.1')).toEqual({ address: '198.51.100.1', https: false })
    expect(origin('::ffff:127.0.0.1', '6.6.6.6, 198.51.100.1, 10.1.2.3')).toEqual({ address: '198.51.100.1', https: false })
    expect(origin('fd00::5', '2001:DB8::7, fd00::9')).toEqual({ address: '2001:db8::7', https: false })
    expect(origin('127.0.0.1', '[2001:db8::7]:1234')).toEqual({ address: '2001:db8::7', https: false })
  })

  it('uses the peer without X-Forwarded-For, and the left-most hop when every hop is trusted', () => {
    expect(origin('127.0.0.1')).toEqual({ address: '127.0.0.1', https: false })
    expect(origin('127.0.0.1', ' , ')).toEqual({ address: '127.0.0.1', https: false })
    expect(origin('127.0.0.1', '10.0.0.2, 10.0.0.3')).toEqual({ address: '10.0.0.2', https: false })
  })

  it('never trusts nor uses an entry that is no address, and does not throw on any', () => {
    expect(origin('127.0.0.1', '198.51.100.1, garbage')).toEqual({ address: '127.0.0.1', https: false })
    expect(origin('127.0.0.1', '198.51.100.1, garbage, 10.0.0.4')).toEqual({ address: '10.0.0.4', https: false })
    expect(origin('127.0.0.1', 'garbage, 198.51.100.1')).toEqual({ address: '198.51.100.1', https: false })
    for (const junk of ['\u0000', ',,,,', '[', '[]:', '1.2.3.4:99999999', ':::::', 'x'.repeat(10_000), '%', '🙂']) {
      expect(() => origin('127.0.0.1', junk, junk)).not.toThrow()
    }
    expect(origin(undefined, '198.51.100.1', 'https')).toEqual({ address: 'unknown', https: false })
  })

  it('says https from the nearest proxy’s X-Forwarded-Proto, else the URL’s scheme', () => {
    expect(origin('127.0.0.1', '198.51.100.1', 'https').https).toBe(true)
    expect(origin('127.0.0.1', '198.51.100.1', 'HTTPS').https).toBe(true)
    expect(origin('127.0.0.1', '198.51.100.1', 'https, http').https).toBe(false)
    expect(origin('127.0.0.1', '198.51.100.1', 'http, https').https).toBe(true)
    expect(origin('127.0.0.1', '198.51.100.1', 'http', true).https).toBe(false)
    expect(origin('127.0.0.1', '198.51.100.1', 'gopher', true).https).toBe(true)
    expect(origin('127.0.0.1', '198.51.100.1', undefined).https).toBe(false)
  })
})
