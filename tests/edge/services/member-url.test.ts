// Where the edge sends browsers and its own calls for a fleet member: under the member's public URL, path included,
// so a member behind a reverse proxy that routes by path (npm start's single origin, nginx) is reached there.
import { describe, expect, it } from 'vitest'
import { memberUrl } from '../../../edge/src/services/fleet/endpoint'

describe('memberUrl', () => {
  it('keeps the public URL’s path, with or without a trailing slash', () => {
    expect(memberUrl('https://oriel.example.com/local/agent', '/kasm/k1/vnc', { ws: true }).toString()).toBe(
      'wss://oriel.example.com/local/agent/kasm/k1/vnc',
    )
    expect(memberUrl('https://oriel.example.com/local/agent/', '/health').toString()).toBe('https://oriel.example.com/local/agent/health')
  })

  it('works for a bare origin, and picks ws for http', () => {
    expect(memberUrl('http://127.0.0.1:8788', '/kasm/k1/vnc', { ws: true }).toString()).toBe('ws://127.0.0.1:8788/kasm/k1/vnc')
    expect(memberUrl('https://agent1.example.com:8443/', '/wake').toString()).toBe('https://agent1.example.com:8443/wake')
  })
})
