// Enrols a key pair through the real /api/agent/enroll (or /api/proxy/enroll) and signs requests with
// the real codec (schema/src/protocol/signing.ts), as the daemons do. Runs in Node and in workerd.
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose'
import { sequence, signRequest } from '#schema'
import type { TestContext } from './context'

export type Resources = { cores: number; memory_bytes: number; gpus: number }
const GiB = 1024 ** 3

export async function registrationToken(t: TestContext, admin: { token: string }, zoneName = 'default', expiresInSeconds?: number) {
  const zones = await t.api('get_zones', {}, admin)
  const zone = zones.body.zones.find((z: { zone_name: string }) => z.zone_name === zoneName)
  const res = await t.api(
    'create_registration_token',
    { target_registration_token: { zone_id: zone.zone_id, expires_in_seconds: expiresInSeconds } },
    admin,
  )
  return res.body.registration_token.token as string
}

type Tweak = { seq?: number; key?: CryptoKey; kid?: string; body?: string; signedPath?: string; lifetimeS?: number; at?: Date }

/** Enrols a fresh key pair as a fleet member of `kind` (`fields`: the kind's own enrolment fields); signs its calls. */
async function enrolTestMember(
  t: TestContext,
  kind: 'agent' | 'proxy',
  token: string,
  name: string,
  fields: Record<string, unknown>,
  publicUrl = 'http://127.0.0.1:9',
) {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const jwk = await exportJWK(publicKey)
  const res = await t.app.request(`/api/${kind}/enroll`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token, public_jwk: jwk, public_url: publicUrl, name, ...fields }),
  })
  const body = (await res.json()) as Record<string, string>
  if (res.status !== 200) throw new Error(`enrol failed: ${res.status} ${JSON.stringify(body)}`)
  const id = body[`${kind}_id`]!
  const nextSeq = sequence(() => t.clock.now().getTime())
  /** A signed call; `tweak` lets tests break one thing at a time. */
  async function signed(path: string, payload: unknown, tweak: Tweak = {}) {
    const text = JSON.stringify(payload)
    const auth = await signRequest(
      tweak.key ?? privateKey,
      tweak.kid ?? id,
      { method: 'POST', path: tweak.signedPath ?? path, body: text },
      tweak.seq ?? nextSeq(),
      tweak.at ?? t.clock.now(),
      tweak.lifetimeS ?? 30,
    )
    const res = await t.app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: auth },
      body: tweak.body ?? text,
    })
    return { status: res.status, body: (await res.json()) as any, auth, text }
  }
  return { id, signed, privateKey }
}

export async function enrolTestAgent(t: TestContext, token: string, o: { resources?: Resources; labels?: string[]; name?: string } = {}) {
  const resources = o.resources ?? { cores: 4, memory_bytes: 8 * GiB, gpus: 0 }
  const { id, signed } = await enrolTestMember(t, 'agent', token, o.name ?? 'test-agent', { resources, labels: o.labels ?? [] })
  return {
    id,
    resources,
    signed,
    poll: (sessions: unknown[] = []) => signed('/api/agent/poll', { resources, images: ['oriel/desktop:1.0'], sessions }),
    report: (sessions: unknown[]) => signed('/api/agent/report', { sessions }),
  }
}
export type TestAgent = Awaited<ReturnType<typeof enrolTestAgent>>

/** A connection proxy enrolled through the real /api/proxy/enroll, as the conn-proxy daemon does. */
export async function enrolTestProxy(t: TestContext, token: string, o: { name?: string; clusterSize?: number; publicUrl?: string } = {}) {
  const member = await enrolTestMember(t, 'proxy', token, o.name ?? 'test-proxy', { cluster_size: o.clusterSize ?? 2 }, o.publicUrl)
  return {
    ...member,
    heartbeat: (load: { connections: number; cpu_percent: number; cluster_size: number; kasms?: string[] }) =>
      member.signed('/api/proxy/heartbeat', load),
    /** Redeems a browser's connect token, as the proxy does before it opens guacd. */
    connect: (token: string) => member.signed('/api/proxy/connect', { token }),
  }
}
