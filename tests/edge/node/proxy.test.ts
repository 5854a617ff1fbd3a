// The edge on Node behind a reverse proxy (Kasm's docs: Reverse Proxy Configuration), over real HTTP: X-Forwarded-For and
// X-Forwarded-Proto count only from a peer in ORIEL_TRUSTED_PROXIES. Loopback has many addresses:
// requests from 127.0.0.1 come from "the proxy", requests from 127.0.0.2 from a stranger.
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginThrottles } from '#schema'
import { openTestDb, type TestDb } from '#test-db'
import { edgeConfig } from '../../../edge/src/config'
import { silentLogger } from '../../../edge/src/log'
import { createEdgeServer } from '../../../edge/src/node/server'
import { parseTrustedProxies } from '../../../edge/src/node/trusted-proxies'
import { builders, TEST_PASSWORD } from '../../support/builders'
import { testClock } from '../../support/clock'
import { TEST_EDGE_SIGNING_KEY, TEST_SECRETS_KEY, TEST_SESSION_SECRET } from '../../support/constants'

const PROXY = '127.0.0.1'
const STRANGER = '127.0.0.2'
/** Another untrusted peer, for tests that must not inherit STRANGER's address block. */
const PASSER_BY = '127.0.0.3'

let testDb: TestDb
let servers: ReturnType<typeof createEdgeServer>[] = []
let port = 0
let dualStackPort = 0
let seed: ReturnType<typeof builders>

beforeAll(async () => {
  testDb = await openTestDb()
  const clock = testClock()
  const config = edgeConfig({ SESSION_SECRET: TEST_SESSION_SECRET, EDGE_SIGNING_KEY: TEST_EDGE_SIGNING_KEY, SECRETS_KEY: TEST_SECRETS_KEY })
  seed = builders(testDb.db, clock, config.sessionSecret)
  const trustedProxies = parseTrustedProxies(PROXY)
  const edge = (hostname: string) =>
    createEdgeServer({ db: testDb.db, config, clock, log: silentLogger, port: 0, hostname, trustedProxies })
  servers = [edge('127.0.0.1'), edge('::')]
  port = (await servers[0]!.start()).port
  dualStackPort = (await servers[1]!.start()).port
})
afterAll(async () => {
  for (const s of servers) await s.close()
  await testDb.close()
})

type Reply = { status: number; setCookie: string }

/** POST /api/public/login from a chosen loopback address, with the headers a proxy would add. */
function login(body: object, o: { from: string; headers?: Record<string, string>; port?: number }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = request(
      {
        host: '127.0.0.1',
        port: o.port ?? port,
        localAddress: o.from,
        method: 'POST',
        path: '/api/public/login',
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
          Host: 'oriel.example.com',
          ...o.headers,
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, setCookie: [res.headers['set-cookie'] ?? []].flat().join('\n') }))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

const spray = async (n: number, o: { from: string; forwardedFor: (i: number) => string }) => {
  for (let i = 0; i < n; i++) {
    const res = await login(
      { username: `spray-${crypto.randomUUID()}@example.com`, password: 'guess' },
      { from: o.from, headers: { 'X-Forwarded-For': o.forwardedFor(i) } },
    )
    expect(res.status).toBe(401)
  }
}

/** Signs in as `user` from a loopback address, with the X-Forwarded-For a proxy in front of it would add. */
const signInAs = (user: { username: string }, from: string, forwardedFor: string, password = TEST_PASSWORD) =>
  login({ username: user.username, password }, { from, headers: { 'X-Forwarded-For': forwardedFor } })

const throttleKeys = async () => (await testDb.db.select({ key: loginThrottles.key }).from(loginThrottles)).map((r) => r.key)

describe('the client address behind a trusted proxy', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy: its failures count against the peer', async () => {
    const owner = await seed.user({ password: true })
    await spray(10, { from: STRANGER, forwardedFor: (i) => `198.51.100.${i + 1}` })
    const keys = await throttleKeys()
    expect(keys).toContain(`addr:${STRANGER}`)
    expect(keys.filter((k) => k.startsWith('addr:198.51.100.'))).toEqual([])
    const res = await signInAs(owner, STRANGER, '198.51.100.99')
    expect(res.status).toBe(429)
  })

  it('takes the client from X-Forwarded-For of a trusted proxy: one client is blocked, the others behind the proxy are not', async () => {
    const owner = await seed.user({ password: true })
    await spray(10, { from: PROXY, forwardedFor: () => '6.6.6.6, 203.0.113.10' })
    const keys = await throttleKeys()
    expect(keys).toContain('addr:203.0.113.10')
    expect(keys).not.toContain(`addr:${PROXY}`)
    expect(keys).not.toContain('addr:6.6.6.6')
    const blocked = await signInAs(owner, PROXY, '203.0.113.10')
    expect(blocked.status).toBe(429)
    const other = await signInAs(owner, PROXY, '203.0.113.11')
    expect(other.status).toBe(200)
  })

  it('lets the owner in through the proxy while a stranger behind the same proxy guesses their password', async () => {
    const owner = await seed.user({ password: true })
    for (let i = 0; i < 5; i++) {
      await signInAs(owner, PROXY, '203.0.113.20', 'guess')
    }
    const stranger = await signInAs(owner, PROXY, '203.0.113.20')
    expect(stranger.status).toBe(429)
    const ownerIn = await signInAs(owner, PROXY, '203.0.113.21')
    expect(ownerIn.status).toBe(200)
  })

  it('trusts a dual-stack socket’s IPv4-mapped peer (::ffff:127.0.0.1) named as 127.0.0.1', async () => {
    await spray(1, { from: PROXY, forwardedFor: () => '2001:DB8::abc' })
    await login(
      { username: 'mapped@example.com', password: 'guess' },
      { from: PROXY, port: dualStackPort, headers: { 'X-Forwarded-For': '203.0.113.30' } },
    )
    await login(
      { username: 'mapped@example.com', password: 'guess' },
      { from: STRANGER, port: dualStackPort, headers: { 'X-Forwarded-For': '203.0.113.31' } },
    )
    const keys = await throttleKeys()
    expect(keys).toEqual(expect.arrayContaining(['addr:2001:db8::abc', 'addr:203.0.113.30', `addr:${STRANGER}`]))
    expect(keys).not.toContain('addr:203.0.113.31')
    expect(keys.filter((k) => k.includes('::ffff:'))).toEqual([])
  })
})

describe('the session cookie’s Secure', () => {
  const signIn = async (from: string, headers: Record<string, string>) => {
    const owner = await seed.user({ password: true })
    const res = await login({ username: owner.username, password: TEST_PASSWORD }, { from, headers })
    expect(res.status).toBe(200)
    expect(res.setCookie).toMatch(/oriel_session=/)
    return /;\s*Secure/i.test(res.setCookie)
  }

  it('is set for https through a trusted proxy, and not for http through it', async () => {
    expect(await signIn(PROXY, { 'X-Forwarded-For': '203.0.113.40', 'X-Forwarded-Proto': 'https' })).toBe(true)
    expect(await signIn(PROXY, { 'X-Forwarded-For': '203.0.113.41', 'X-Forwarded-Proto': 'http' })).toBe(false)
    expect(await signIn(PROXY, { 'X-Forwarded-For': '203.0.113.42' })).toBe(false)
  })

  it('is not set when an untrusted peer claims https', async () => {
    expect(await signIn(PASSER_BY, { 'X-Forwarded-Proto': 'https' })).toBe(false)
  })

  it('is set on loopback as before (browsers keep Secure cookies on http://localhost)', async () => {
    expect(await signIn(PASSER_BY, { Host: `127.0.0.1:${port}` })).toBe(true)
    expect(await signIn(PASSER_BY, { Host: `localhost:${port}` })).toBe(true)
  })
})

describe('ORIEL_TRUSTED_PROXIES at start', () => {
  it('a bad entry stops the start with a message naming it', async () => {
    const child = spawn('npx', ['tsx', 'standalone/src/main.ts'], {
      env: {
        ...process.env,
        ORIEL_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/33',
        ORIEL_DATA_DIR: '/nonexistent/oriel-test',
        DATABASE_URL: '',
        ORIEL_LOCAL_AGENT: '0',
      },
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(1)
    expect(out).toContain('oriel: ORIEL_TRUSTED_PROXIES: "10.0.0.0/33" is not an IP address or CIDR range')
  }, 60_000)
})
