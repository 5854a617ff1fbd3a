// The daemons' retry delays and their poll sleep (daemon-kit/src/backoff.ts).
import { expect, it } from 'vitest'
import { createBackoff, createWakeableSleep } from '#daemon-kit'

it('doubles the delay up to the cap, and starts over after a success', () => {
  const b = createBackoff({ initialMs: 250, maxMs: 1_000 })
  expect([b.next(), b.next(), b.next(), b.next()]).toEqual([250, 500, 1_000, 1_000])
  b.reset()
  expect(b.next()).toBe(250)
})

it('a wake ends a sleep at once, and a wake that came between sleeps ends the next one', async () => {
  const abort = new AbortController()
  const s = createWakeableSleep(abort.signal)
  const started = Date.now()
  const sleeping = s.sleep(60_000)
  s.wake()
  await sleeping
  s.wake() // no sleep under way: kept for the next
  await s.sleep(60_000)
  // The third sleep is not cut short by the wakes already spent: it runs its 50 ms.
  const before = Date.now()
  await s.sleep(50)
  expect(Date.now() - before).toBeGreaterThanOrEqual(45)
  expect(Date.now() - started).toBeLessThan(30_000)
})

it('shutdown ends a sleep under way, and every later one at once', async () => {
  const abort = new AbortController()
  const s = createWakeableSleep(abort.signal)
  const sleeping = s.sleep(60_000)
  abort.abort()
  await sleeping
  await s.sleep(60_000)
  expect(abort.signal.aborted).toBe(true)
})
