import type { Clock } from '../../edge/src/clock'

/** A clock tests move by hand. */
export function testClock(start = new Date()): Clock & { advance: (ms: number) => void } {
  let now = start.getTime()
  return { now: () => new Date(now), advance: (ms) => void (now += ms) }
}
