import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginThrottles } from '#schema'
import {
  ACCOUNT_ADDRESS_POLICY,
  ACCOUNT_SLOWDOWN,
  ADDRESS_POLICY,
  accountAddressKey,
  blockSeconds,
  clearAccountThrottles,
  failedSignInsOf,
  recordFailures,
  signInKeys,
  signInState,
  slowdownMs,
} from '../../../edge/src/services/auth/throttle'
import { testContext, type TestContext } from '../../support/context'

describe('sign-in throttle policy', () => {
  it('blocks an (account, address) pair from the third failure, 5 failures → 5 minutes, doubling, capped at a day', () => {
    const seconds = [1, 2, 3, 4, 5, 6, 8, 30].map((f) => blockSeconds(f, ACCOUNT_ADDRESS_POLICY))
    expect(seconds).toEqual([0, 0, 75, 150, 300, 600, 2400, 86_400])
  })

  it('is at least as strict as Kasm’s 5 failures → 5 minutes at every count from 5 on', () => {
    for (let f = 5; f < 40; f++) expect(blockSeconds(f, ACCOUNT_ADDRESS_POLICY)).toBeGreaterThanOrEqual(300)
  })

  it('gives a shared address more room, then blocks it, capped at an hour', () => {
    expect(blockSeconds(9, ADDRESS_POLICY)).toBe(0)
    expect(blockSeconds(10, ADDRESS_POLICY)).toBe(60)
    expect(blockSeconds(50, ADDRESS_POLICY)).toBe(3600)
  })

  it('slows an account from its tenth failure, 0.5 s doubling, never past 3 s', () => {
    expect([0, 9, 10, 11, 12, 13, 1000].map((f) => slowdownMs(f))).toEqual([0, 0, 500, 1000, 2000, 3000, 3000])
    expect(ACCOUNT_SLOWDOWN.maxDelayMs).toBeLessThanOrEqual(5_000)
  })

  it('gives every (account, address) its own key, which another username cannot spell', () => {
    expect(accountAddressKey('Alice@Example.com', '203.0.113.9')).toBe(accountAddressKey('alice@example.com', '203.0.113.9'))
    expect(accountAddressKey('a', 'x|y')).not.toContain('x|y')
    expect(accountAddressKey('a|b', '1.2.3.4')).not.toBe(accountAddressKey('a', 'b|1.2.3.4'))
  })
})

describe('sign-in counters in the database', () => {
  let t: TestContext
  beforeAll(async () => {
    t = await testContext()
  })
  afterAll(() => t.close())

  const fail = (username: string, address: string) => {
    const k = signInKeys(username, address)
    return recordFailures(
      t.db,
      [{ key: k.account }, { key: k.accountAddress, policy: ACCOUNT_ADDRESS_POLICY }, { key: k.address, policy: ADDRESS_POLICY }],
      t.clock.now(),
    )
  }

  it('blocks only the failing pair and address; the account’s own count never blocks', async () => {
    for (let i = 0; i < 3; i++) await fail('owner@example.com', '192.0.2.1')
    const now = t.clock.now()
    expect(await signInState(t.db, signInKeys('owner@example.com', '192.0.2.1'), now)).toEqual({ blockedSeconds: 75, accountFailures: 3 })
    expect(await signInState(t.db, signInKeys('owner@example.com', '192.0.2.2'), now)).toEqual({ blockedSeconds: 0, accountFailures: 3 })
    expect(await signInState(t.db, signInKeys('other@example.com', '192.0.2.1'), now)).toEqual({ blockedSeconds: 0, accountFailures: 0 })
  })

  it('ignores a block left on an account row by the older account-wide rule', async () => {
    await t.db.insert(loginThrottles).values({
      key: 'user:legacy@example.com',
      failures: 5,
      lastFailureAt: t.clock.now(),
      blockedUntil: new Date(t.clock.now().getTime() + 3_600_000),
    })
    expect(await signInState(t.db, signInKeys('legacy@example.com', '192.0.2.3'), t.clock.now())).toEqual({
      blockedSeconds: 0,
      accountFailures: 5,
    })
  })

  it('counts every one of many concurrent failures', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => fail('busy@example.com', `192.0.2.${100 + (i % 2)}`)))
    expect((await failedSignInsOf(t.db, ['Busy@Example.com'])).get('Busy@Example.com')).toBe(8)
    expect((await signInState(t.db, signInKeys('busy@example.com', '192.0.2.100'), t.clock.now())).blockedSeconds).toBe(150)
  })

  it('reports each account’s failures by the name given, 0 for none', async () => {
    const counts = await failedSignInsOf(t.db, ['owner@example.com', 'nobody@example.com'])
    expect([...counts]).toEqual([
      ['owner@example.com', 3],
      ['nobody@example.com', 0],
    ])
    expect((await failedSignInsOf(t.db, [])).size).toBe(0)
  })

  it('unblocks an account from every address, and only that account', async () => {
    // Usernames that LIKE would read as patterns, and one that begins with the other's name and a `|`.
    for (const name of ['a_b%c@example.com', 'a_b%c@example.com|x', 'aXbYc@example.com']) {
      await fail(name, '198.51.100.1')
      await fail(name, '2001:db8::1')
    }
    await clearAccountThrottles(t.db, 'A_B%C@example.com')
    const keys = (await t.db.select({ key: loginThrottles.key }).from(loginThrottles)).map((r) => r.key)
    expect(keys.filter((k) => k.includes('a_b%c@example.com') && !k.includes('|x'))).toEqual([])
    expect(keys).toContain(accountAddressKey('a_b%c@example.com|x', '198.51.100.1'))
    expect(keys).toContain(accountAddressKey('axbyc@example.com', '2001:db8::1'))
    expect(keys).toContain('user:axbyc@example.com')
    expect(keys).toContain('addr:198.51.100.1')
  })
})
