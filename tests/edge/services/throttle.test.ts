import { describe, expect, it } from 'vitest'
import { ACCOUNT_POLICY, ADDRESS_POLICY, blockSeconds } from '../../../edge/src/services/auth/throttle'

describe('sign-in throttle policy', () => {
  it('blocks an account from the third failure, 5 failures → 5 minutes, doubling, capped at a day', () => {
    const seconds = [1, 2, 3, 4, 5, 6, 8, 30].map((f) => blockSeconds(f, ACCOUNT_POLICY))
    expect(seconds).toEqual([0, 0, 75, 150, 300, 600, 2400, 86_400])
  })

  it('is at least as strict as Kasm’s 5 failures → 5 minutes at every count from 5 on', () => {
    for (let f = 5; f < 40; f++) expect(blockSeconds(f, ACCOUNT_POLICY)).toBeGreaterThanOrEqual(300)
  })

  it('gives a shared address more room, then blocks it, capped at an hour', () => {
    expect(blockSeconds(9, ADDRESS_POLICY)).toBe(0)
    expect(blockSeconds(10, ADDRESS_POLICY)).toBe(60)
    expect(blockSeconds(50, ADDRESS_POLICY)).toBe(3600)
  })
})
