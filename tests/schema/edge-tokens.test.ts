// The edge-token codec (schema/src/protocol/edge-tokens.ts), both ends: the bytes the edge signs are
// pinned (Ed25519 is deterministic, so a fixed key, time and claims give one token), and the daemon's
// check refuses every other token.
import { generateKeyPair, importJWK, exportJWK, SignJWT, type CryptoKey, type JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { signEdgeToken, verifyEdgeToken, type StreamClaims } from '#schema'
import { TEST_EDGE_SIGNING_KEY } from '../support/constants'

const NOW = new Date('2026-01-01T00:00:00Z')
const AUDIENCE = '0b7d2c3e-5f41-4a8e-9c1d-2e3f4a5b6c7d'
const DLP = { clipboard_up: true, clipboard_down: false, uploads: true, downloads: false, printing: false }
const STREAM: StreamClaims = { sub: 'u1', kasm_id: 'k1', dlp: DLP, view_only: false }

// Tokens as the edge signed them before the codec was shared (signEdgeJwt): the codec must not change a byte.
const GOLDEN = {
  wake: 'eyJhbGciOiJFZERTQSIsImtpZCI6ImVkZ2UtZ29sZGVuIn0.eyJ0eXAiOiJ3YWtlIiwiaXNzIjoib3JpZWwtZWRnZSIsImF1ZCI6IjBiN2QyYzNlLTVmNDEtNGE4ZS05YzFkLTJlM2Y0YTViNmM3ZCIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjI1NjMwfQ.5AfO1kHwLAWJqAEbug9sO23u_U6AP4lhAp8NR8gUut7irWoFbglCH_ly800XTh9i9Ntg9yE3RU36MqqiwQdMAQ',
  stream:
    'eyJhbGciOiJFZERTQSIsImtpZCI6ImVkZ2UtZ29sZGVuIn0.eyJ0eXAiOiJzdHJlYW0iLCJzdWIiOiJ1MSIsImthc21faWQiOiJrMSIsImRscCI6eyJjbGlwYm9hcmRfdXAiOnRydWUsImNsaXBib2FyZF9kb3duIjpmYWxzZSwidXBsb2FkcyI6dHJ1ZSwiZG93bmxvYWRzIjpmYWxzZSwicHJpbnRpbmciOmZhbHNlfSwiaXNzIjoib3JpZWwtZWRnZSIsImF1ZCI6IjBiN2QyYzNlLTVmNDEtNGE4ZS05YzFkLTJlM2Y0YTViNmM3ZCIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjI1OTAwfQ.vybmUUhoGnAmSKQwHtTZ_r9u4bKYE7jVS1ooh4YqLsqiTr0vPEhU1roSiY_YePlpsDTOfsvSHH4qZ4A2xgwxAg',
  viewOnlyStream:
    'eyJhbGciOiJFZERTQSIsImtpZCI6ImVkZ2UtZ29sZGVuIn0.eyJ0eXAiOiJzdHJlYW0iLCJzdWIiOiJ1MSIsImthc21faWQiOiJrMSIsImRscCI6eyJjbGlwYm9hcmRfdXAiOnRydWUsImNsaXBib2FyZF9kb3duIjpmYWxzZSwidXBsb2FkcyI6dHJ1ZSwiZG93bmxvYWRzIjpmYWxzZSwicHJpbnRpbmciOmZhbHNlfSwidmlld19vbmx5Ijp0cnVlLCJpc3MiOiJvcmllbC1lZGdlIiwiYXVkIjoiMGI3ZDJjM2UtNWY0MS00YThlLTljMWQtMmUzZjRhNWI2YzdkIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE3NjcyMjU5MDB9.NKe2kS51Ts8_zPbwBjna8Tc0gnOUhXxl22dT7_qEDSOpJAnocSBk_5pQ5uE1MpbRFfIUGKNEEL3ex2FNWPqSCQ',
}

let privateKey: CryptoKey
let jwks: { keys: JWK[] }
const signer = () => ({ privateKey, kid: 'edge-golden' })
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000)

beforeAll(async () => {
  const jwk = JSON.parse(TEST_EDGE_SIGNING_KEY) as JWK
  privateKey = (await importJWK(jwk, 'EdDSA')) as CryptoKey
  jwks = { keys: [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: 'edge-golden', alg: 'EdDSA' }] }
})

describe('signing', () => {
  it('gives the pinned bytes for each token type', async () => {
    expect(await signEdgeToken(signer(), 'wake', {}, { audience: AUDIENCE, now: NOW })).toBe(GOLDEN.wake)
    expect(await signEdgeToken(signer(), 'stream', STREAM, { audience: AUDIENCE, now: NOW })).toBe(GOLDEN.stream)
    expect(await signEdgeToken(signer(), 'stream', { ...STREAM, view_only: true }, { audience: AUDIENCE, now: NOW })).toBe(
      GOLDEN.viewOnlyStream,
    )
  })
})

describe('verifying', () => {
  const check = <T extends 'wake' | 'stream'>(token: string, typ: T, o: { audience?: string; now?: Date; keys?: { keys: JWK[] } } = {}) =>
    verifyEdgeToken(token, typ, { jwks: o.keys ?? jwks, audience: o.audience ?? AUDIENCE, now: o.now ?? at(10) })

  it('reads the pinned tokens back', async () => {
    expect(await check(GOLDEN.wake, 'wake')).toEqual({})
    expect(await check(GOLDEN.stream, 'stream')).toEqual(STREAM)
    expect(await check(GOLDEN.viewOnlyStream, 'stream')).toEqual({ ...STREAM, view_only: true })
  })

  it('refuses another type, another audience, an expired token and another key', async () => {
    expect(await check(GOLDEN.stream, 'wake')).toBeNull()
    expect(await check(GOLDEN.wake, 'stream')).toBeNull()
    expect(await check(GOLDEN.wake, 'wake', { audience: crypto.randomUUID() })).toBeNull()
    // A wake hint lives 30 s, a stream token 300 s.
    expect(await check(GOLDEN.wake, 'wake', { now: at(29) })).toEqual({})
    expect(await check(GOLDEN.wake, 'wake', { now: at(31) })).toBeNull()
    expect(await check(GOLDEN.stream, 'stream', { now: at(299) })).toEqual(STREAM)
    expect(await check(GOLDEN.stream, 'stream', { now: at(301) })).toBeNull()
    const other = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
    const otherPublic = { ...(await exportJWK(other.publicKey)), kid: 'edge-golden', alg: 'EdDSA' }
    expect(await check(GOLDEN.wake, 'wake', { keys: { keys: [otherPublic] } })).toBeNull()
    expect(await check('not.a.token', 'wake')).toBeNull()
  })

  it('refuses a token of another issuer, or whose claims are not the type’s', async () => {
    const forge = (claims: Record<string, unknown>, issuer = 'oriel-edge') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: 'edge-golden' })
        .setIssuer(issuer)
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(NOW.getTime() / 1000))
        .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 60)
        .sign(privateKey)
    expect(await check(await forge({ typ: 'wake' }, 'someone-else'), 'wake')).toBeNull()
    expect(await check(await forge({ typ: 'stream', sub: 'u1', kasm_id: 'k1' }), 'stream')).toBeNull()
    expect(await check(await forge({ typ: 'stream', sub: 1, kasm_id: 'k1', dlp: DLP }), 'stream')).toBeNull()
    // view_only must be a boolean when present: "yes" is not read as full control, nor as view only.
    expect(await check(await forge({ typ: 'stream', sub: 'u1', kasm_id: 'k1', dlp: DLP, view_only: 'yes' }), 'stream')).toBeNull()
    expect(await check(await forge({ typ: 'stream', sub: 'u1', kasm_id: 'k1', dlp: DLP }), 'stream')).toEqual(STREAM)
  })
})
