// The wait for an agent's answer (exec_command_kasm, get_kasm_screenshot): its deadline is on the
// injected clock, and a clock that stands still cannot hold it for good.
import { describe, expect, it } from 'vitest'
import { awaitAgentResult } from '../../../edge/src/services/kasms/await-agent'
import { testClock } from '../../support/clock'

describe('awaitAgentResult', () => {
  it('answers as soon as the check does', async () => {
    let calls = 0
    const got = await awaitAgentResult(testClock(), async () => (++calls === 3 ? 'done' : undefined), { timeoutMs: 10_000, pollMs: 1 })
    expect([got, calls]).toEqual(['done', 3])
  })

  it('gives up once the injected clock passes the deadline, without waiting that long', async () => {
    const clock = testClock()
    let calls = 0
    const started = Date.now()
    const got = await awaitAgentResult(
      clock,
      async () => {
        if (++calls === 2) clock.advance(60_001)
        return undefined
      },
      { timeoutMs: 60_000, pollMs: 1 },
    )
    expect([got, calls]).toEqual([undefined, 2])
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('gives up after as many real sleeps as fit in the wait when the clock stands still', async () => {
    let calls = 0
    const got = await awaitAgentResult(testClock(), async () => void calls++, { timeoutMs: 20, pollMs: 5 })
    expect([got, calls]).toEqual([undefined, 5])
  })

  it('passes on what the check throws', async () => {
    await expect(
      awaitAgentResult(
        testClock(),
        async () => {
          throw new Error('failed')
        },
        { timeoutMs: 100, pollMs: 1 },
      ),
    ).rejects.toThrow('failed')
  })
})
