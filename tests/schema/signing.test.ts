// The signed-request codec (schema/src/protocol/signing.ts) the agent signs with and the edge checks
// (edge/src/services/fleet/signed-request.ts): its bytes are pinned, so neither end can drift alone.
// The edge's refusals of tampered requests are in tests/edge/api/agent-protocol.test.ts.
import { compactVerify, importJWK, type CryptoKey, type JWK } from 'jose'
import { expect, it } from 'vitest'
import { bodySha256, sequence, signRequest } from '#schema'
import { TEST_EDGE_SIGNING_KEY } from '../support/constants'

const NOW = new Date('2026-01-01T00:00:00Z')
const KID = '0b7d2c3e-5f41-4a8e-9c1d-2e3f4a5b6c7d'
const GOLDEN =
  'Oriel-Sig eyJhbGciOiJFZERTQSIsImtpZCI6IjBiN2QyYzNlLTVmNDEtNGE4ZS05YzFkLTJlM2Y0YTViNmM3ZCJ9.eyJodG0iOiJQT1NUIiwiaHR1IjoiL2FwaS9hZ2VudC9wb2xsIiwiYm9keV9zaGEyNTYiOiIwMTVhYmQ3ZjVjYzU3YTJkZDk0Yjc1OTBmMDRhZDgwODQyNzM5MDVlZTMzZWM1Y2ViZWFlNjIyNzZhOTdmODYyIiwic2VxIjo3LCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyNTYzMH0.Y7rXKnbDqmkDxPJOwvENyxFc_bO6FlY4lMMVv0C1m_MA5IwGpjTw8SK7FnwRGE7gv-oPCBI1bNXq2AgThP6XCQ'

it('signs a request as the pinned header, whose payload names method, path, body hash, sequence and a 30 s life', async () => {
  const jwk = JSON.parse(TEST_EDGE_SIGNING_KEY) as JWK
  const key = (await importJWK(jwk, 'EdDSA')) as CryptoKey
  const header = await signRequest(key, KID, { method: 'POST', path: '/api/agent/poll', body: '{"a":1}' }, 7, NOW)
  expect(header).toBe(GOLDEN)
  const publicKey = await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'EdDSA')
  const { payload, protectedHeader } = await compactVerify(header.slice('Oriel-Sig '.length), publicKey)
  expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: KID })
  expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({
    htm: 'POST',
    htu: '/api/agent/poll',
    body_sha256: bodySha256('{"a":1}'),
    seq: 7,
    iat: 1767225600,
    exp: 1767225630,
  })
})

it('hashes bodies as hex SHA-256 of their UTF-8 bytes', () => {
  expect(bodySha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  expect(bodySha256('é')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c')
})

it('numbers requests upward, even within one microsecond and when the clock steps back', () => {
  let t = 1_000
  const next = sequence(() => t)
  const a = next()
  const b = next()
  t = 999
  const c = next()
  expect(a).toBe(1_000_000)
  expect(b).toBe(1_000_001)
  expect(c).toBe(1_000_002)
})
